import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { AnyTables } from './index.js';
import { daysFromCivil } from './days.js';

export interface BulkColumn {
  name: string;
  /** Postgres array element type, for example 'int8', 'text', 'date', 'int4', 'bool'. */
  type: string;
}

/**
 * Inserts many rows. On the embedded database (PGlite) they travel as one `COPY ... FROM
 * '/dev/blob'` per chunk, in COPY's text format: PGlite reads the blob as a file, which skips
 * building parameter arrays and the INSERT plan (about twice as fast as unnest here, and it lets
 * the caller build the text anywhere, see copyText). On a server they go as one `INSERT ...
 * SELECT FROM unnest(...)` statement per chunk: one parameter array per column, so a chunk of
 * 50,000 rows is one round trip (the `pg` client speaks no COPY without another package).
 * Text-array columns (`text[]`) travel as their Postgres literal text.
 */
export async function bulkInsert(
  db: Kysely<AnyTables>,
  table: string,
  columns: readonly BulkColumn[],
  data: ReadonlyArray<ArrayLike<unknown>>,
  options: BulkOptions = {},
): Promise<number> {
  const chunkSize = options.chunkSize ?? 50_000;
  const length = data[0]?.length ?? 0;
  if (data.length !== columns.length) throw new Error(`bulkInsert ${table}: ${columns.length} columns but ${data.length} arrays`);
  for (const column of data) if (column.length !== length) throw new Error(`bulkInsert ${table}: columns differ in length`);
  if (length === 0) return 0;
  if (await isEmbedded(db)) {
    const binary = columns.every((c) => c.type in BINARY_FIELDS);
    // One chunk in flight while the next is built: from a worker of the city data load
    // (generate/workers.ts) the main thread loads one chunk while this thread encodes the next.
    let loading: Promise<void> | undefined;
    try {
      for (let start = 0; start < length; start += COPY_ROWS) {
        const end = Math.min(length, start + COPY_ROWS);
        const chunk = binary ? copyBinary(columns, data, start, end) : copyText(data, start, end);
        await loading;
        loading = copyRows(db, table, columns, chunk, { freeze: options.emptied === true, binary });
      }
    } finally {
      // A failed chunk stops the rest; the one in flight is awaited either way (its failure thrown).
      await loading;
    }
    return length;
  }
  const names = sql.raw(columns.map((c) => `"${c.name}"`).join(', '));
  for (let start = 0; start < length; start += chunkSize) {
    const end = Math.min(length, start + chunkSize);
    // A column may be a typed array: its slice goes as a plain array (the client's parameter).
    const args = columns.map((c, i) => sql`${Array.prototype.slice.call(data[i]!, start, end)}::${sql.raw(arrayType(c.type))}`);
    const casts = sql.raw(columns.map((c, i) => (c.type.endsWith('[]') ? `c${i}::${c.type}` : `c${i}`)).join(', '));
    const aliases = sql.raw(columns.map((_, i) => `c${i}`).join(', '));
    await sql`INSERT INTO ${sql.table(table)} (${names})
      SELECT ${casts} FROM unnest(${sql.join(args)}) AS t(${aliases})`.execute(db);
  }
  return length;
}

export interface BulkOptions {
  /** Rows an INSERT carries on a server. */
  chunkSize?: number;
  /**
   * The table was emptied (TRUNCATE) or created earlier in the caller's transaction, as the city
   * data load does: on the embedded database the rows are then written frozen (`COPY ...
   * FREEZE`), so the index builds, ANALYZE and rollup queries that read them next do not set
   * hint bits on every row and write every page again. PostgreSQL refuses FREEZE otherwise.
   */
  emptied?: boolean;
}

/** Rows a COPY carries at a time: larger is faster on PGlite, and 250,000 rows stay well under 100 MB of text. */
const COPY_ROWS = 250_000;

/**
 * Rows `start` to `end` of column arrays in COPY's text format: tab between fields, a newline
 * after each row, \N for null, backslash, tab, newline and carriage return escaped.
 */
export function copyText(data: ReadonlyArray<ArrayLike<unknown>>, start: number, end: number): string {
  let text = '';
  const last = data.length - 1;
  for (let row = start; row < end; row++) {
    for (let c = 0; c <= last; c++) {
      text += copyField(data[c]![row]);
      text += c === last ? '\n' : '\t';
    }
  }
  return text;
}

function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a COPY field: scalars, Dates and bigints only (the caller's rows)
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : text;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Rows `start` to `end` of column arrays in COPY's binary format, for tables whose columns are
 * all of BINARY_FIELDS' types (bulkInsert chooses): the database reads lengths and fixed-width
 * values instead of parsing text (dates above all), and building the bytes here costs about half
 * of building the text. Numbers are JavaScript numbers (or bigints, or decimal strings for
 * int8), dates 'YYYY-MM-DD' strings (or Dates, taken in UTC).
 */
export function copyBinary(columns: readonly BulkColumn[], data: ReadonlyArray<ArrayLike<unknown>>, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new BinaryWriter();
  out.bytes(BINARY_SIGNATURE);
  out.int32(0); // flags
  out.int32(0); // header extension length
  const fields = columns.map((c) => BINARY_FIELDS[c.type]!);
  for (let row = start; row < end; row++) {
    out.int16(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const value = data[c]![row];
      if (value === null || value === undefined) out.int32(-1);
      else fields[c]!(out, value, columns[c]!.name);
    }
  }
  out.int16(-1); // trailer
  return out.result();
}

const BINARY_SIGNATURE = new Uint8Array([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
/** Day number of 2000-01-01, PostgreSQL's date epoch. */
const PG_EPOCH_DAY = daysFromCivil(2000, 1, 1);

type BinaryField = (out: BinaryWriter, value: unknown, column: string) => void;

/** The column types bulkInsert sends in binary, each with its field writer (length, then value). */
const BINARY_FIELDS: Record<string, BinaryField> = {
  int8: (out, value, column) => {
    out.int32(8);
    if (typeof value === 'bigint' || typeof value === 'string') out.bigint64(BigInt(value));
    else out.int64(integer(value, column));
  },
  int4: (out, value, column) => {
    out.int32(4);
    out.int32(integer(value, column));
  },
  bool: (out, value) => {
    out.int32(1);
    out.uint8(value ? 1 : 0);
  },
  date: (out, value, column) => {
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    out.int32(4);
    out.int32(dayNumberOf(text, column) - PG_EPOCH_DAY);
  },
  text: (out, value) => out.text(String(value)),
};

/**
 * A 'YYYY-MM-DD' date's day number, read digit by digit: the load writes millions of dates, and
 * a regular expression and three Numbers each was a second of a worker's CPU in credit alone.
 */
function dayNumberOf(text: string, column: string): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let valid = text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45; // '-'
  for (let i = 0; valid && i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) valid = false;
    else if (i < 4) year = year * 10 + digit;
    else if (i < 7) month = month * 10 + digit;
    else day = day * 10 + digit;
  }
  if (!valid) throw new Error(`bulkInsert: column ${column}: "${text}" is not a date (YYYY-MM-DD)`);
  return daysFromCivil(year, month, day);
}

function integer(value: unknown, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`bulkInsert: column ${column}: ${String(value)} is not an integer`);
  return value;
}

/** A growing big-endian byte buffer. */
class BinaryWriter {
  private buffer = new Uint8Array(1 << 20);
  private view = new DataView(this.buffer.buffer);
  private at = 0;
  private readonly encoder = new TextEncoder();

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.at + bytes));
    grown.set(this.buffer.subarray(0, this.at));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  bytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  uint8(value: number): void {
    this.room(1);
    this.view.setUint8(this.at, value);
    this.at += 1;
  }

  int16(value: number): void {
    this.room(2);
    this.view.setInt16(this.at, value);
    this.at += 2;
  }

  int32(value: number): void {
    this.room(4);
    this.view.setInt32(this.at, value);
    this.at += 4;
  }

  /** A safe integer as int8, without a BigInt per value. */
  int64(value: number): void {
    this.room(8);
    const high = Math.floor(value / 2 ** 32);
    this.view.setInt32(this.at, high);
    this.view.setUint32(this.at + 4, value - high * 2 ** 32);
    this.at += 8;
  }

  bigint64(value: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.at, value);
    this.at += 8;
  }

  /**
   * Its UTF-8 length, then its bytes. ASCII is copied character by character (codes, dates,
   * statuses: most text fields), the rest from the first other character by the encoder, which
   * needs a view of the buffer made for each call.
   */
  text(value: string): void {
    this.room(4 + value.length * 3);
    const start = this.at + 4;
    const buffer = this.buffer;
    let i = 0;
    for (; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) break;
      buffer[start + i] = code;
    }
    const written = i === value.length ? i : i + this.encoder.encodeInto(i === 0 ? value : value.slice(i), buffer.subarray(start + i)).written;
    this.view.setInt32(this.at, written);
    this.at = start + written;
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.at);
  }
}

/**
 * Loads COPY text (copyText) or binary COPY data (copyBinary, `binary`) into `table` on the
 * embedded database; `freeze` as BulkOptions.emptied says.
 */
export async function copyRows(
  db: Kysely<AnyTables>,
  table: string,
  columns: readonly BulkColumn[],
  data: string | Uint8Array<ArrayBuffer>,
  { freeze = false, binary = false }: { freeze?: boolean; binary?: boolean } = {},
): Promise<void> {
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const options = [...(freeze ? ['FREEZE'] : []), ...(binary ? ['FORMAT binary'] : [])];
  // The embedded session's client passes a Blob parameter as the file COPY reads (embedded.ts).
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  await db.executeQuery(
    CompiledQuery.raw(`COPY "${table}" (${names}) FROM '/dev/blob'${options.length ? ` WITH (${options.join(', ')})` : ''}`, [new CopyFile(bytes)]),
  );
}

/**
 * The file a `COPY ... FROM '/dev/blob'` reads: a Blob, as the embedded session's clients and
 * PGlite take it, that holds its bytes as they are. A plain Blob copies its bytes in and out
 * again (arrayBuffer reads them in chunks and joins them): at the city data load's 1.5 GB of COPY
 * data that was seconds of the main thread's time, and as much again in the workers that hand
 * the bytes over. arrayBuffer() gives the bytes' own buffer, so the caller may transfer it.
 */
export class CopyFile extends Blob {
  constructor(readonly content: Uint8Array<ArrayBuffer>) {
    super([]);
  }

  override get size(): number {
    return this.content.byteLength;
  }

  /** The one way its bytes are read (by PGlite and by the load's threads). */
  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.content;
    return Promise.resolve(byteOffset === 0 && byteLength === buffer.byteLength ? buffer : buffer.slice(byteOffset, byteOffset + byteLength));
  }
}

/** True when `db` runs on the embedded database (PGlite names itself in version()). */
export async function isEmbedded(db: Kysely<AnyTables>): Promise<boolean> {
  const { rows } = await sql<{ version: string }>`SELECT version() AS version`.execute(db);
  return rows[0]!.version.includes('PGlite');
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
export async function withoutIndexes(db: Kysely<AnyTables>, table: string, load: () => Promise<void>): Promise<void> {
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = ${table}
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)
    ORDER BY i.indexname`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);
  await load();
  for (const index of indexes) await sql.raw(index.definition).execute(db);
}

/**
 * Runs `load` with every foreign key and secondary index of the current schema dropped, then
 * builds the indexes again (one sort each instead of upkeep row by row) and adds the foreign
 * keys back, each checked over the whole table in one join instead of one lookup per row.
 * Primary keys and unique constraints stay (an ON CONFLICT needs them). Call it inside a
 * transaction, which keeps the tables without their indexes invisible to everyone else; a
 * row that breaks a foreign key fails the load when the key is added back.
 */
export async function withoutSecondaryStructures(db: Kysely<AnyTables>, load: () => Promise<void>, log: (phase: string) => void = () => {}): Promise<void> {
  const { rows: keys } = await sql<{ table: string; name: string; definition: string }>`
    SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
    WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY conrelid::regclass::text, conname`.execute(db);
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)
    ORDER BY i.tablename, i.indexname`.execute(db);
  for (const key of keys) await sql`ALTER TABLE ${sql.raw(key.table)} DROP CONSTRAINT ${sql.ref(key.name)}`.execute(db);
  for (const index of indexes) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);
  await load();
  for (const index of indexes) await sql.raw(index.definition).execute(db);
  log(`${indexes.length} indexes built`);
  for (const key of keys) await sql`ALTER TABLE ${sql.raw(key.table)} ADD CONSTRAINT ${sql.ref(key.name)} ${sql.raw(key.definition)}`.execute(db);
  log(`${keys.length} foreign keys checked`);
}
