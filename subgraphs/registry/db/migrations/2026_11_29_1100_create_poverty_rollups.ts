import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. Its backfill is a copy of
// the statements of refreshReviewYearRollups and rebuildStatusChanges (repository.ts) as they
// were when this was written; a later change to the rules comes with a migration of its own.
//
// Rollups of the poverty figures the dashboards ask for, so that a figure for the city or for
// every commune reads a few hundred rows instead of sorting every household's reviews:
//
// - poverty_year_rollup: per review year and commune, the households whose latest review of
//   that year is in the commune, by classification and by transition since the review before.
// - poverty_whatif_rollup: the same households scored again under each poverty standard (the
//   what-if view): poor and near-poor under that standard's lines and indicators. A standard
//   added later needs its rows: its migration refreshes this table.
// - poverty_status_change: per commune and day, how the number of poor and near-poor households
//   changed that day, each household counted by its latest review: a review adds its
//   classification on its date and takes it away on the date of the household's next review.
//   The status on any date is then the sum of the changes up to it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('poverty_year_rollup')
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('reviewed', 'integer', (c) => c.notNull())
    .addColumn('poor', 'integer', (c) => c.notNull())
    .addColumn('near_poor', 'integer', (c) => c.notNull())
    .addColumn('newly_poor', 'integer', (c) => c.notNull())
    .addColumn('escaped_poverty', 'integer', (c) => c.notNull())
    .addColumn('newly_near_poor', 'integer', (c) => c.notNull())
    .addColumn('escaped_near_poverty', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('poverty_year_rollup_pkey', ['year', 'commune_code'])
    .execute();
  await db.schema
    .createTable('poverty_whatif_rollup')
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('standard_code', 'text', (c) => c.notNull())
    .addColumn('poor', 'integer', (c) => c.notNull())
    .addColumn('near_poor', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('poverty_whatif_rollup_pkey', ['year', 'standard_code', 'commune_code'])
    .execute();
  await db.schema
    .createTable('poverty_status_change')
    .addColumn('commune_code', 'text', (c) => c.notNull())
    .addColumn('change_date', 'date', (c) => c.notNull())
    .addColumn('poor', 'integer', (c) => c.notNull())
    .addColumn('near_poor', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('poverty_status_change_pkey', ['commune_code', 'change_date'])
    .execute();
  await backfill(db);
}

/**
 * The rollups from the reviews already there, a year or a slice of households at a time (one
 * statement over every review runs the embedded database short of memory at city scale).
 */
export async function backfill(db: Kysely<any>): Promise<void> {
  const { rows: years } = await sql<{ year: number }>`SELECT DISTINCT year FROM poverty_review ORDER BY year`.execute(db);
  for (const { year } of years) {
    await sql`
      INSERT INTO poverty_year_rollup
      SELECT year, commune_code, count(*)::int,
        count(*) FILTER (WHERE classification = 'poor')::int,
        count(*) FILTER (WHERE classification = 'near_poor')::int,
        count(*) FILTER (WHERE transition = 'newly_poor')::int,
        count(*) FILTER (WHERE transition = 'escaped_poverty')::int,
        count(*) FILTER (WHERE transition = 'newly_near_poor')::int,
        count(*) FILTER (WHERE transition = 'escaped_near_poverty')::int
      FROM (SELECT DISTINCT ON (household_id) year, commune_code, classification, transition
            FROM poverty_review WHERE year = ${year} ORDER BY household_id, review_date DESC, id DESC) latest
      GROUP BY year, commune_code`.execute(db);
    await sql`
      WITH latest AS (
        SELECT DISTINCT ON (household_id) year, commune_code, income_per_person_monthly, deprivations
        FROM poverty_review WHERE year = ${year} ORDER BY household_id, review_date DESC, id DESC),
      standard AS (
        SELECT s.*, array(SELECT i.code FROM poverty_indicator i WHERE i.standard_code = s.code) AS indicator_codes FROM poverty_standard s),
      scored AS (
        SELECT l.year, l.commune_code, s.code AS standard_code,
          l.income_per_person_monthly <= CASE WHEN c.kind = 'ward' THEN s.urban_income_line ELSE s.rural_income_line END AS under_line,
          cardinality(array(SELECT DISTINCT d FROM unnest(l.deprivations) d WHERE d = ANY (s.indicator_codes))) AS deprivation_count,
          s.poor_min_deprivations
        FROM latest l JOIN commune c ON c.code = l.commune_code CROSS JOIN standard s)
      INSERT INTO poverty_whatif_rollup
      SELECT year, commune_code, standard_code,
        count(*) FILTER (WHERE under_line AND deprivation_count >= poor_min_deprivations)::int,
        count(*) FILTER (WHERE under_line AND deprivation_count < poor_min_deprivations)::int
      FROM scored GROUP BY year, commune_code, standard_code`.execute(db);
  }
  const { rows: bounds } = await sql<{ max: string | null }>`SELECT max(household_id)::text AS max FROM poverty_review`.execute(db);
  const maxId = Number(bounds[0]?.max ?? 0);
  for (let from = 0; from <= maxId; from += 100_000) {
    await sql`
      WITH r AS (
        SELECT commune_code, review_date, classification,
          lead(review_date) OVER (PARTITION BY household_id ORDER BY review_date, id) AS next_date
        FROM poverty_review WHERE household_id > ${from} AND household_id <= ${from + 100_000}),
      changes AS (
        SELECT commune_code, review_date AS change_date, (classification = 'poor')::int AS poor, (classification = 'near_poor')::int AS near_poor FROM r
        UNION ALL
        SELECT commune_code, next_date, -(classification = 'poor')::int, -(classification = 'near_poor')::int FROM r WHERE next_date IS NOT NULL)
      INSERT INTO poverty_status_change AS s
      SELECT commune_code, change_date, sum(poor)::int, sum(near_poor)::int FROM changes GROUP BY commune_code, change_date
      ON CONFLICT (commune_code, change_date) DO UPDATE SET poor = s.poor + excluded.poor, near_poor = s.near_poor + excluded.near_poor`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['poverty_status_change', 'poverty_whatif_rollup', 'poverty_year_rollup']) await db.schema.dropTable(table).execute();
}
