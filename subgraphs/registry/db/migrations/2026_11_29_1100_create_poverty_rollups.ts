import type { Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. It creates the tables only.
// It used to fill them too, with a copy of the rules in SQL; the rules now live in one place
// (subgraphs/registry/rollups.ts), and a database without their version recorded (a new one, or
// one from before) is rebuilt by them at start (ensureRollupsCurrent, platform/rollups.ts).
// Databases that ran the old backfill already have its rows; new ones have no reviews yet.
//
// Rollups of the poverty figures the dashboards ask for, so that a figure for the city or for
// every commune reads a few hundred rows instead of sorting every household's reviews:
//
// - poverty_year_rollup: per review year and commune, the households whose latest review of
//   that year is in the commune, by classification and by transition since the review before.
// - poverty_whatif_rollup: the same households scored again under each poverty standard (the
//   what-if view): poor and near-poor under that standard's lines and indicators.
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
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['poverty_status_change', 'poverty_whatif_rollup', 'poverty_year_rollup']) await db.schema.dropTable(table).execute();
}
