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
