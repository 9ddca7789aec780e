import { sql, type Kysely } from 'kysely';

// Frozen in time: no application code. The year's lists are drawn by its periodic review; a
// year (or an area) with only regular reviews, or none, has no list, and its poor and near-poor
// counts must read as unknown rather than zero. poverty_year_rollup learns how many of the
// households counted had a periodic review as their latest review of the year.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('poverty_year_rollup').addColumn('periodic', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await backfill(db);
}

/** The column from the reviews already there (the rollup's rows must exist). */
export async function backfill(db: Kysely<any>): Promise<void> {
  await sql`
    UPDATE poverty_year_rollup r SET periodic = p.n
    FROM (
      SELECT year, commune_code, count(*) FILTER (WHERE kind = 'periodic')::int AS n
      FROM (SELECT DISTINCT ON (household_id, year) household_id, year, commune_code, kind
            FROM poverty_review ORDER BY household_id, year, review_date DESC, id DESC) latest
      GROUP BY year, commune_code) p
    WHERE p.year = r.year AND p.commune_code = r.commune_code`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('poverty_year_rollup').dropColumn('periodic').execute();
}
