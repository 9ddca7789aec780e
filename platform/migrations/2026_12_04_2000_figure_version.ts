import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.
//
// Kept answers (platform/kept.ts) are exact because every change to a table that
// figures are computed from moves a version in the same transaction: `figure_version` holds one
// row per commune code ('' for rows of the whole city) and one row '*', the epoch, moved by
// changes that name no commune (a TRUNCATE, a table without a commune). A reader reads the
// versions before it computes, and keeps its answer under them; an answer is served again only
// while the versions it was kept under are still the current ones.
//
// The versions move in triggers rather than in application code so that no write path (a
// mutation, a repair script, a bulk load, psql) can change figures without moving them.
// Statement-level triggers with transition tables: one extra statement per changing statement,
// whatever the number of rows.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE figure_version (scope text PRIMARY KEY, version int8 NOT NULL)`.execute(db);
  // TG_ARGV[0], when given, is an SQL expression over a changed row `t` that gives its commune
  // code (a column, or a lookup in a parent table). The schema is the trigger's table's, so that
  // the function works whatever the session's search_path.
  await sql`
    CREATE FUNCTION bump_figure_version() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      rows_changed text;
    BEGIN
      IF TG_OP = 'TRUNCATE' OR TG_NARGS = 0 THEN
        EXECUTE format('INSERT INTO %I.figure_version AS v (scope, version) VALUES (''*'', 1)
          ON CONFLICT (scope) DO UPDATE SET version = v.version + 1', TG_TABLE_SCHEMA);
        RETURN NULL;
      END IF;
      rows_changed := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
        ELSE 'SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows' END;
      -- In scope order, so that two writers move shared rows in one order (no deadlock).
      EXECUTE format('INSERT INTO %I.figure_version AS v (scope, version)
          SELECT DISTINCT coalesce((%s)::text, ''''), 1 FROM (%s) AS t ORDER BY 1
          ON CONFLICT (scope) DO UPDATE SET version = v.version + 1', TG_TABLE_SCHEMA, TG_ARGV[0], rows_changed);
      RETURN NULL;
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION bump_figure_version() CASCADE`.execute(db);
  await sql`DROP TABLE figure_version`.execute(db);
}

/**
 * Makes changes to each table move the figure versions (see keepFiguresOf): `tables` maps a
 * table to the SQL expression of a changed row's commune, or null. For the subgraphs' own
 * migrations, which name their figure tables.
 */
export async function keepFigures(db: Kysely<any>, tables: Readonly<Record<string, string | null>>): Promise<void> {
  for (const [table, commune] of Object.entries(tables)) await keepFiguresOf(db, table, commune);
}

/** Undoes keepFigures. */
export async function forgetFigures(db: Kysely<any>, tables: Readonly<Record<string, string | null>>): Promise<void> {
  for (const table of Object.keys(tables)) await forgetFiguresOf(db, table);
}

/**
 * Makes changes to `table` move the figure versions: those of the communes `commune` gives for
 * each changed row (old and new), or, with `commune` null, the epoch. A TRUNCATE moves the epoch.
 */
async function keepFiguresOf(db: Kysely<any>, table: string, commune: string | null): Promise<void> {
  const name = (event: string) => sql.raw(`${table}_figures_${event}`);
  const t = sql.raw(table);
  if (commune === null) {
    await sql`CREATE TRIGGER ${name('change')} AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version()`.execute(db);
  } else {
    const arg = sql.lit(commune);
    await sql`CREATE TRIGGER ${name('insert')} AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version(${arg})`.execute(
      db,
    );
    await sql`CREATE TRIGGER ${name('update')} AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version(${arg})`.execute(
      db,
    );
    await sql`CREATE TRIGGER ${name('delete')} AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version(${arg})`.execute(
      db,
    );
  }
  await sql`CREATE TRIGGER ${name('truncate')} AFTER TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION bump_figure_version()`.execute(db);
}

/** Undoes keepFiguresOf. */
async function forgetFiguresOf(db: Kysely<any>, table: string): Promise<void> {
  for (const event of ['change', 'insert', 'update', 'delete', 'truncate']) {
    await sql`DROP TRIGGER IF EXISTS ${sql.raw(`${table}_figures_${event}`)} ON ${sql.raw(table)}`.execute(db);
  }
}
