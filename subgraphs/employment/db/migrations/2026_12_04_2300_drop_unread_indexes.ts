import { sql, type Kysely } from 'kysely';

// Frozen in time. The figures of placements and training are read from their rollups
// (2026_11_29_0900_create_employment_rollups); no query reads job_placement or
// training_enrolment by commune and date, by date, or training_enrolment by member any more
// (placements by member: job_placement_member_idx, kept; records by household: the household
// indexes, kept). Each index was rebuilt on every first start (the city data load builds the
// indexes after the rows: about 3 s of the main thread's CPU at scale 1) for no reader.

const DROPPED = [
  ['job_placement_commune_placed_idx', 'job_placement', '(commune_code, placed_on)'],
  ['job_placement_placed_idx', 'job_placement', '(placed_on, commune_code)'],
  ['training_enrolment_member_idx', 'training_enrolment', '(member_id)'],
  ['training_enrolment_commune_started_idx', 'training_enrolment', '(commune_code, started_on)'],
  ['training_enrolment_started_idx', 'training_enrolment', '(started_on, commune_code)'],
  ['training_enrolment_commune_completed_idx', 'training_enrolment', '(commune_code, completed_on) WHERE completed_on IS NOT NULL'],
  ['training_enrolment_completed_idx', 'training_enrolment', '(completed_on, commune_code) WHERE completed_on IS NOT NULL'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name] of DROPPED) await sql`DROP INDEX IF EXISTS ${sql.ref(name)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, table, definition] of DROPPED) await sql.raw(`CREATE INDEX ${name} ON ${table} ${definition}`).execute(db);
}
