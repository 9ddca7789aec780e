import type { Kysely } from 'kysely';

// Frozen in time: this migration must not import application code. It creates the tables only.
// It used to fill them too, with a copy of the rule in SQL; the rule now lives in one place
// (subgraphs/employment/rollups.ts), and a database without its version recorded (a new one, or
// one from before) is rebuilt by that rule at start (ensureRollupsCurrent, platform/rollups.ts).
// Databases that ran the old backfill already have its rows; new ones have no records yet.
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

}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('employment_training_rollup').execute();
  await db.schema.dropTable('employment_placement_rollup').execute();
}
