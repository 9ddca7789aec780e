import type { Kysely } from 'kysely';

// Frozen in time: no application code. The year's lists are drawn by its periodic review; a
// year (or an area) with only regular reviews, or none, has no list, and its poor and near-poor
// counts must read as unknown rather than zero. poverty_year_rollup learns how many of the
// households counted had a periodic review as their latest review of the year. The column only:
// it used to be filled here by a copy of the rule in SQL; the rule now lives in
// subgraphs/registry/rollups.ts, which rebuilds a database without its version recorded at start.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('poverty_year_rollup').addColumn('periodic', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('poverty_year_rollup').dropColumn('periodic').execute();
}
