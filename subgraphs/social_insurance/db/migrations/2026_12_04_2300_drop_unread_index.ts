import { sql, type Kysely } from 'kysely';

// Frozen in time. Health-insurance figures are read from their rollup
// (2026_11_29_0900_create_health_insurance_rollups); no query reads the cards by commune and
// grant date. The cards of a commune's year (the consistency checks) are found through
// health_insurance_support_commune_validity_idx, which leads with the commune too and is kept.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS health_insurance_support_commune_granted_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX health_insurance_support_commune_granted_idx ON health_insurance_support (commune_code, granted_on)`.execute(db);
}
