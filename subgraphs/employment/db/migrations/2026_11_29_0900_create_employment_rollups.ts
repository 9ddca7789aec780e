import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. Its backfill is a copy of
// refreshRollups (repository.ts) as it was when this was written.
//
// Employment figures are asked by calendar year, so each rollup row is one year of one area and
// holds that year's figures exactly, distinct workers included:
//
// - employment_placement_rollup: per year, area (commune, or '' for the whole city) and channel
//   (or '' for every channel): placements, overseas placements, placements of workers from poor
//   or near-poor households, and (on the every-channel rows only, 0 elsewhere) the distinct
//   workers placed in the area that year.
// - employment_training_rollup: per year, area and level: enrolments that started that year
//   (and those of poor or near-poor households) and enrolments completed that year.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('employment_placement_rollup')
    .addColumn('year', 'integer', (c) => c.notNull())
    // '' stands for the whole city or every channel: a primary key has no NULLs.
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('placements', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('overseas', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('poor_or_near_poor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('workers', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('employment_placement_rollup_pkey', ['year', 'commune_code', 'channel'])
    .execute();

  await db.schema
    .createTable('employment_training_rollup')
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('enrolments', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('poor_or_near_poor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completions', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('employment_training_rollup_pkey', ['year', 'commune_code', 'level'])
    .execute();

  await backfill(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('employment_training_rollup').execute();
  await db.schema.dropTable('employment_placement_rollup').execute();
}

/** Fills the rollups from the placements and enrolments already there (exported for its test). */
export async function backfill(db: Kysely<any>): Promise<void> {
  await sql`
    INSERT INTO employment_placement_rollup (year, commune_code, channel, placements, overseas, poor_or_near_poor, workers)
    SELECT year, coalesce(commune_code, ''), coalesce(channel, ''), count(*), count(*) FILTER (WHERE contract = 'overseas'),
      count(*) FILTER (WHERE household_classification IN ('poor', 'near_poor')),
      CASE WHEN grouping(channel) = 1 THEN count(DISTINCT member_id) ELSE 0 END
    FROM (SELECT extract(year FROM placed_on)::int AS year, commune_code::text AS commune_code, channel, contract, household_classification, member_id
      FROM job_placement) p
    GROUP BY GROUPING SETS ((year, commune_code, channel), (year, commune_code), (year, channel), (year))`.execute(db);
  await sql`
    INSERT INTO employment_training_rollup (year, commune_code, level, enrolments, poor_or_near_poor, completions)
    SELECT year, coalesce(commune_code, ''), level, sum(enrolments), sum(poor_or_near_poor), sum(completions)
    FROM (
      SELECT extract(year FROM started_on)::int AS year, commune_code::text AS commune_code, level, 1 AS enrolments,
        CASE WHEN household_classification IN ('poor', 'near_poor') THEN 1 ELSE 0 END AS poor_or_near_poor, 0 AS completions
      FROM training_enrolment
      UNION ALL
      SELECT extract(year FROM completed_on)::int, commune_code::text, level, 0, 0, 1
      FROM training_enrolment WHERE completed_on IS NOT NULL
    ) t
    GROUP BY GROUPING SETS ((year, commune_code, level), (year, level))`.execute(db);
}
