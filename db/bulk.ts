import { sql, type Kysely } from 'kysely';

export interface BulkColumn {
  name: string;
  /** Postgres array element type, for example 'int8', 'text', 'date', 'int4', 'bool'. */
  type: string;
}

/**
 * Inserts many rows as one `INSERT ... SELECT FROM unnest(...)` statement per chunk: one
 * parameter array per column, so a chunk of 50,000 rows is one round trip on a server and one
 * statement on the embedded database (several times faster than row-by-row or multi-VALUES).
 * Text-array columns (`text[]`) travel as their Postgres literal text.
 */
export async function bulkInsert(
  db: Kysely<any>,
  table: string,
  columns: readonly BulkColumn[],
  data: ReadonlyArray<ReadonlyArray<unknown>>,
  chunkSize = 50_000,
): Promise<number> {
  const length = data[0]?.length ?? 0;
  if (data.length !== columns.length) throw new Error(`bulkInsert ${table}: ${columns.length} columns but ${data.length} arrays`);
  for (const column of data) if (column.length !== length) throw new Error(`bulkInsert ${table}: columns differ in length`);
  const names = sql.raw(columns.map((c) => `"${c.name}"`).join(', '));
  for (let start = 0; start < length; start += chunkSize) {
    const end = Math.min(length, start + chunkSize);
    const args = columns.map((c, i) => sql`${data[i]!.slice(start, end)}::${sql.raw(arrayType(c.type))}`);
    const casts = sql.raw(columns.map((c, i) => (c.type.endsWith('[]') ? `c${i}::${c.type}` : `c${i}`)).join(', '));
    const aliases = sql.raw(columns.map((_, i) => `c${i}`).join(', '));
    await sql`INSERT INTO ${sql.table(table)} (${names})
      SELECT ${casts} FROM unnest(${sql.join(args)}) AS t(${aliases})`.execute(db);
  }
  return length;
}

// A text[] column is sent as text (its literal, e.g. '{a,b}') and cast back per row.
function arrayType(type: string): string {
  return type.endsWith('[]') ? 'text[]' : `${type}[]`;
}

/** The Postgres literal of a text array, for a `text[]` bulk column. */
export function textArrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/**
 * Runs `load` with the table's secondary indexes dropped, then builds them again from their own
 * definitions: several times faster than keeping a GiST index up row by row. Call it inside a
 * transaction, which keeps the table without its indexes invisible to everyone else.
 */
export async function withoutIndexes(db: Kysely<any>, table: string, load: () => Promise<void>): Promise<void> {
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = ${table}
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)
    ORDER BY i.indexname`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);
  await load();
  for (const index of indexes) await sql.raw(index.definition).execute(db);
}
