import { sql, type Kysely } from 'kysely';
import { bulkInsert, type BulkColumn } from '../db/bulk.js';
import type { AnyTables } from '../db/index.js';

/**
 * One rollup mechanism for every department (issue 16). A department declares its rollups as
 * data (`Rollups`): which tables are kept, from which rows (`facts`), by which rule (`derive`),
 * and the rules' version. This module does the rest, the same way for everyone:
 *
 * - a write: `withRollups` derives the owners' share of the rollups before and after the write,
 *   in the write's transaction, adds the difference to the summed tables and replaces the
 *   owners' rows of the owned tables;
 * - the generator and the demo data: `derive` on every record, then `writeRollups`, which also
 *   records the version;
 * - a rule that changed: `ensureRollupsCurrent` (at every start, after the migrations) compares
 *   the declared version with the one recorded in the subgraph's `rollup_rules` table and rebuilds
 *   the set from the records when they differ, in one transaction.
 *
 * So a rule lives in one place, its `derive` function: migrations create tables and never copy a
 * rule, and changing a rule means changing `derive` and bumping `version`.
 */

/** A column of a rollup table: its name and its Postgres type (the casts and COPY read it). */
export type RollupColumn = BulkColumn;

/**
 * Rows that add up: every owner adds its share to the row of each key, so a write moves them
 * by the difference it made. Rows whose measures are all zero say nothing and may be absent.
 */
export interface SummedTable {
  kind: 'sum';
  table: string;
  /** The key columns: the table's primary key (or a unique index on them), in that order. */
  key: readonly RollupColumn[];
  /** The measures: numbers, added to the row of the key. */
  measures: readonly RollupColumn[];
}

/** Rows that belong to one owner each (`owner` column): a write replaces the owner's rows. */
export interface OwnedTable {
  kind: 'owned';
  table: string;
  /** The column holding the owner, also one of `columns`. */
  owner: string;
  columns: readonly RollupColumn[];
}

export type RollupTable = SummedTable | OwnedTable;

/** A rollup row: its columns by name. */
export type RollupRecord = Readonly<Record<string, unknown>>;

/** What `derive` gives: each table's rows by table name (a table may be left out: no rows). */
export type DerivedRollups = Readonly<Record<string, readonly RollupRecord[]>>;

/**
 * One subgraph's rollups, declared. `Facts` is whatever the rule reads of the records; the
 * owners are what a write locks and recomputes (a household, a person).
 */
export interface Rollups<DB, Facts> {
  /** The set's name in rollup_rules, unique in the subgraph. */
  name: string;
  /** The rules' version: bump it whenever `derive` (or what `facts` reads) changes. */
  version: number;
  tables: readonly RollupTable[];
  /** A prefix for the owners' transaction locks, unique in the database: 'credit.household'. */
  lockPrefix: string;
  /** The records of some owners (every owner there is when `owners` is undefined). */
  facts(db: Kysely<DB>, owners?: readonly number[]): Promise<Facts>;
  /** The rule: the rollup rows of these records. */
  derive(facts: Facts): DerivedRollups;
}

// Rollups of any department's database: the mechanism reads no table of its own type, and hands
// `facts` only what `derive` takes back, whatever its type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type RollupsOf<DB> = Rollups<DB, any>;
type AnyRollups = RollupsOf<AnyTables>;

/**
 * Runs `write`, which changes the records of `owners` only, and moves the rollups by the
 * difference it made, in the caller's transaction (or one of its own, which `write` is given:
 * on the embedded database a statement outside it would wait for it forever). The owners are locked
 * first, in one order, so two writes for one owner at once take turns and each sees the other's
 * records; the summed rows are added in key order, so concurrent writers lock them in one order.
 */
export async function withRollups<DB, Facts, T>(
  db: Kysely<DB>,
  rollups: Rollups<DB, Facts>,
  owners: readonly number[],
  write: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const run = async (trx: Kysely<DB>) => {
    const ordered = [...new Set(owners)].sort((a, b) => a - b);
    for (const owner of ordered) await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${rollups.lockPrefix}:${owner}`}, 0))`.execute(trx);
    const before = rollups.derive(await rollups.facts(trx, ordered));
    const result = await write(trx);
    const after = rollups.derive(await rollups.facts(trx, ordered));
    await moveRollups(trx, rollups, ordered, before, after);
    return result;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Applies the difference between two derivations of the same owners' records. */
async function moveRollups<DB>(db: Kysely<DB>, rollups: AnyRollups, owners: readonly number[], before: DerivedRollups, after: DerivedRollups): Promise<void> {
  for (const table of rollups.tables) {
    if (table.kind === 'sum') {
      await addToSummed(db, table, summedDelta(table, before[table.table] ?? [], after[table.table] ?? []));
    } else {
      if (owners.length) await sql`DELETE FROM ${sql.table(table.table)} WHERE ${sql.ref(table.owner)} = ANY(${[...owners]}::int8[])`.execute(db);
      await insertRows(db, table.table, table.columns, after[table.table] ?? []);
    }
  }
}

/** A row's key as one string: key columns hold text, numbers or dates as text (null apart). */
const keyOf = (table: SummedTable, row: RollupRecord) =>
  table.key
    .map((c) => {
      const value = row[c.name] as string | number | null | undefined;
      return value === null || value === undefined ? '\u0000' : String(value);
    })
    .join('\u0001');

/**
 * `after - before`, row by row of the same key, leaving out keys where nothing changed; in key
 * order (the order the table's rows are locked in).
 */
export function summedDelta(table: SummedTable, before: readonly RollupRecord[], after: readonly RollupRecord[]): RollupRecord[] {
  const rows = new Map<string, Record<string, unknown>>();
  const add = (row: RollupRecord, sign: number) => {
    const key = keyOf(table, row);
    let sum = rows.get(key);
    if (!sum) {
      sum = Object.fromEntries(table.key.map((c) => [c.name, row[c.name]]));
      for (const m of table.measures) sum[m.name] = 0;
      rows.set(key, sum);
    }
    for (const m of table.measures) sum[m.name] = (sum[m.name] as number) + sign * Number(row[m.name] ?? 0);
  };
  for (const row of before) add(row, -1);
  for (const row of after) add(row, 1);
  const changed = [...rows.values()].filter((row) => table.measures.some((m) => row[m.name] !== 0));
  return changed.sort((a, b) => compareKeys(table, a, b));
}

function compareKeys(table: SummedTable, a: RollupRecord, b: RollupRecord): number {
  for (const c of table.key) {
    const x = a[c.name] as string | number | null;
    const y = b[c.name] as string | number | null;
    if (x === y) continue;
    if (x === null || x === undefined) return -1;
    if (y === null || y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Adds `rows` to a summed table in one statement, in key order. */
async function addToSummed<DB>(db: Kysely<DB>, table: SummedTable, rows: readonly RollupRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = [...table.key, ...table.measures];
  const arrays = columns.map((c) => sql`${rows.map((r) => r[c.name] ?? null)}::${sql.raw(c.type)}[]`);
  const names = sql.join(columns.map((c) => sql.ref(c.name)));
  const conflict = sql.join(table.key.map((c) => sql.ref(c.name)));
  const order = sql.raw(table.key.map((_, i) => String(i + 1)).join(', '));
  const updates = sql.join(table.measures.map((m) => sql`${sql.ref(m.name)} = ${sql.table(table.table)}.${sql.ref(m.name)} + excluded.${sql.ref(m.name)}`));
  await sql`
    INSERT INTO ${sql.table(table.table)} (${names})
    SELECT * FROM unnest(${sql.join(arrays)}) ORDER BY ${order}
    ON CONFLICT (${conflict}) DO UPDATE SET ${updates}`.execute(db);
}

async function insertRows<DB>(db: Kysely<DB>, table: string, columns: readonly RollupColumn[], rows: readonly RollupRecord[], emptied = false): Promise<void> {
  if (rows.length === 0) return;
  await bulkInsert(
    db,
    table,
    columns,
    columns.map((c) => rows.map((r) => r[c.name] ?? null)),
    { emptied },
  );
}

const tableColumns = (table: RollupTable) => (table.kind === 'sum' ? [...table.key, ...table.measures] : table.columns);

/**
 * Replaces every rollup of the set by `derived` (the rule run on every record there is) and
 * records the rules' version: the generator and the demo data end with it. Summed rows of one
 * key are added up, and those whose measures are all zero left out. Run it in the transaction that wrote the records.
 */
export async function writeRollups<DB>(db: Kysely<DB>, rollups: AnyRollups, derived: DerivedRollups): Promise<void> {
  // The rows go in frozen (bulkInsert's `emptied`), which PostgreSQL allows only in the
  // transaction that emptied the table.
  if (!db.isTransaction) return db.transaction().execute((trx) => writeRollups<DB>(trx, rollups, derived));
  await sql`TRUNCATE ${sql.join(rollups.tables.map((t) => sql.table(t.table)))}`.execute(db);
  for (const table of rollups.tables) {
    const rows = derived[table.table] ?? [];
    // A rule may give several shares of one key (summedDelta adds them up, in key order).
    const kept = table.kind === 'sum' ? summedDelta(table, [], rows) : rows;
    await insertRows(db, table.table, tableColumns(table), kept, true);
  }
  await markRollupsCurrent(db, rollups);
}

/**
 * `writeRollups` for a bulk path that has its rows as columns already (the city data sets: a
 * million rows without an object each): each table's columns in its column order (a summed
 * table's key, then its measures), one row per key and in key order, rows of zeros left out,
 * as the rule gives them. Records the rules' version too.
 */
export async function writeRollupColumns<DB>(
  db: Kysely<DB>,
  rollups: AnyRollups,
  columns: Readonly<Record<string, ReadonlyArray<ArrayLike<unknown>>>>,
): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => writeRollupColumns<DB>(trx, rollups, columns));
  await sql`TRUNCATE ${sql.join(rollups.tables.map((t) => sql.table(t.table)))}`.execute(db);
  for (const table of rollups.tables) {
    const data = columns[table.table];
    if (data) await bulkInsert(db, table.table, tableColumns(table), data, { emptied: true });
  }
  await markRollupsCurrent(db, rollups);
}

/** Every rollup of the set derived again from the records, in the caller's transaction. */
export async function rebuildRollups<DB>(db: Kysely<DB>, rollups: AnyRollups): Promise<void> {
  await writeRollups(db, rollups, rollups.derive(await rollups.facts(db)));
}

/** The table recording each set's rules' version, in the subgraph's own schema. */
async function createRulesTable<DB>(db: Kysely<DB>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS rollup_rules (
    name text PRIMARY KEY,
    version int4 NOT NULL,
    rebuilt_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
}

/** Records that the set's rollups were derived by the rules of its declared version. */
async function markRollupsCurrent<DB>(db: Kysely<DB>, rollups: AnyRollups): Promise<void> {
  await createRulesTable(db);
  await sql`INSERT INTO rollup_rules (name, version) VALUES (${rollups.name}, ${rollups.version})
    ON CONFLICT (name) DO UPDATE SET version = excluded.version, rebuilt_at = now()`.execute(db);
}

/** The sets whose recorded version differs from the declared one (or was never recorded). */
export async function staleRollups<DB>(db: Kysely<DB>, sets: readonly AnyRollups[]): Promise<AnyRollups[]> {
  const versions = await recordedVersions(db, sets);
  return sets.filter((s) => versions.get(s.name) !== s.version);
}

/** The version recorded for each set's name (none when the table or the row is missing). */
async function recordedVersions<DB>(db: Kysely<DB>, sets: readonly AnyRollups[]): Promise<Map<string, number>> {
  if (sets.length === 0) return new Map();
  const { rows } = await sql<{ found: string | null }>`SELECT to_regclass('rollup_rules')::text AS found`.execute(db);
  if (!rows[0]?.found) return new Map();
  const recorded = await sql<{ name: string; version: number }>`SELECT name, version FROM rollup_rules`.execute(db);
  return new Map(recorded.rows.map((r) => [r.name, r.version]));
}

/**
 * Rebuilds every set whose rules changed since its rollups were derived (or whose version was
 * never recorded: a database from before the mechanism), each in one transaction, under a lock
 * so that two processes of a subgraph starting together rebuild once. Run after the migrations.
 */
export async function ensureRollupsCurrent<DB>(db: Kysely<DB>, sets: readonly AnyRollups[], log: (message: string) => void = () => {}): Promise<void> {
  if (sets.length === 0 || (await staleRollups(db, sets)).length === 0) return;
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended('rollup_rules:' || current_schema(), 0))`.execute(trx);
    await createRulesTable(trx);
    const versions = await recordedVersions(trx, sets);
    for (const set of sets.filter((s) => versions.get(s.name) !== s.version)) {
      const started = Date.now();
      await rebuildRollups(trx, set);
      // Says which version the rows were derived by before (none: a new database, where the
      // rebuild has no records yet, or one from before the mechanism).
      const before = versions.has(set.name) ? `version ${versions.get(set.name)}` : 'none recorded';
      log(`rollups ${set.name}: rebuilt by the rules of version ${set.version} (before: ${before}) in ${Date.now() - started} ms`);
    }
  });
}
