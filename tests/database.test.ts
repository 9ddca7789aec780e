import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkInsert } from '../db/bulk.js';
import { Databases, migrateSubgraph } from '../db/index.js';
import { migrations } from '../subgraphs/registry/db/migrations/index.js';
import type { RegistryDatabase } from '../subgraphs/registry/db/tables.js';
import { testDatabases } from './support/stack.js';

const embedded = !process.env.DATABASE_URL;

/** A transaction rolled back while another request reads: the reader sees none of its rows. */
async function expectTransactionsApart(db: Kysely<RegistryDatabase>): Promise<void> {
  const before = (
    await db
      .selectFrom('household')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  let insideTransaction!: () => void;
  const inserted = new Promise<void>((resolve) => (insideTransaction = resolve));
  const rolledBack = db
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto('household').values({ commune_code: '00070', address: 'uncommitted' }).execute();
      insideTransaction();
      await new Promise((r) => setTimeout(r, 150));
      throw new Error('roll back');
    })
    .catch((e: Error) => e.message);
  await inserted;
  // Issued while the transaction above is open, from "another request".
  const seen = await db
    .selectFrom('household')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  expect(await rolledBack).toBe('roll back');
  expect(seen.n).toBe(before);
  const after = await db
    .selectFrom('household')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  expect(after.n).toBe(before);
}

describe('database layer', () => {
  let databases: Databases;
  let dispose: () => Promise<void>;
  let db: Kysely<RegistryDatabase>;

  beforeAll(async () => {
    ({ databases, dispose } = await testDatabases());
    db = databases.kysely<RegistryDatabase>('registry');
    await migrateSubgraph(db, 'registry', migrations);
  });
  afterAll(async () => {
    await dispose?.();
  });

  it("keeps the subgraph's tables in its own schema, with its own migration table", async () => {
    const { rows } = await sql<{ table_schema: string; table_name: string }>`
      SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_name IN ('household', 'kysely_migration') ORDER BY 1, 2`.execute(db);
    expect(rows).toEqual([
      { table_schema: 'registry', table_name: 'household' },
      { table_schema: 'registry', table_name: 'kysely_migration' },
    ]);
  });

  it("never lets a concurrent request see inside another request's transaction", () => expectTransactionsApart(db));

  it('reads bigint, date and timestamptz the same way on both databases', async () => {
    const row = await sql<{ big: number; day: string; at: Date; num: string }>`
      SELECT 23243000000000::int8 AS big, '2024-12-31'::date AS day, now() AS at, 1.5::numeric AS num`.execute(db);
    expect(row.rows[0]).toMatchObject({ big: 23_243_000_000_000, day: '2024-12-31', num: '1.5' });
    expect(row.rows[0]!.at).toBeInstanceOf(Date);
  });

  it('bulk-loads every column type the same whichever COPY format carries it (binary, or text when a type has no binary writer)', async () => {
    await sql`CREATE TABLE bulk_types (i8 int8, i4 int4, b bool, d date, t text, n numeric)`.execute(db);
    const columns = [
      { name: 'i8', type: 'int8' },
      { name: 'i4', type: 'int4' },
      { name: 'b', type: 'bool' },
      { name: 'd', type: 'date' },
      { name: 't', type: 'text' },
    ];
    const data = [
      [23_243_000_000_000, -9_007_199_254_740_991, 0, 1n << 62n, '-42', null],
      [2_147_483_647, -2_147_483_648, 0, 7, -1, null],
      [true, false, true, false, true, null],
      ['2024-12-31', '1999-12-31', '2000-01-01', '0001-01-01', '2100-02-28', null],
      ['Nguyễn Thị Ánh', 'with\ta tab', 'back\\slash', '', 'line\nbreak', null],
    ];
    const read = async () => (await sql<Record<string, unknown>>`SELECT i8::text, i4, b, d, t FROM bulk_types ORDER BY i4`.execute(db)).rows;
    await db.transaction().execute(async (trx) => {
      await sql`TRUNCATE bulk_types`.execute(trx);
      await bulkInsert(trx, 'bulk_types', columns, data, { emptied: true });
    });
    const binary = await read();
    // A numeric column (no binary writer) makes the whole table travel as text.
    await sql`TRUNCATE bulk_types`.execute(db);
    await bulkInsert(db, 'bulk_types', [...columns, { name: 'n', type: 'numeric' }], [...data, ['1.5', '2', '3', '4', '5', null]]);
    expect(binary).toEqual(await read());
    expect(binary).toContainEqual({ i8: '4611686018427387904', i4: 7, b: false, d: '0001-01-01', t: '' });
    expect(binary).toContainEqual({ i8: '0', i4: 0, b: true, d: '2000-01-01', t: 'back\\slash' });
    expect(binary).toContainEqual({ i8: null, i4: null, b: null, d: null, t: null });
    await sql`DROP TABLE bulk_types`.execute(db);
  });
});

describe.runIf(embedded)('embedded database on disk', () => {
  it('keeps what was written across a restart, and refuses a second process on the same folder', { timeout: 240_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-'));
    const env = { DATA_DIR: dir };
    const first = new Databases({ env });
    const db1 = first.kysely<RegistryDatabase>('registry');
    await migrateSubgraph(db1, 'registry', migrations);
    await db1.insertInto('household').values({ commune_code: '00070', address: 'kept' }).execute();

    // The lock file names this (live) process: a second opener is refused with a clear message.
    const second = new Databases({ env });
    await expect(second.kysely<RegistryDatabase>('registry').selectFrom('commune').selectAll().execute()).rejects.toThrow(/in use by process/);
    await second.close();
    await first.close();

    const reopened = new Databases({ env });
    const db2 = reopened.kysely<RegistryDatabase>('registry');
    await migrateSubgraph(db2, 'registry', migrations);
    const rows = await db2.selectFrom('household').select('address').execute();
    expect(rows).toEqual([{ address: 'kept' }]);
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe.runIf(embedded)('one embedded database per subgraph (EMBEDDED_DATABASES=per-subgraph)', () => {
  it('runs each in its own thread and folder: transactions apart, COPY, SQL errors with their code, kept across a restart', { timeout: 240_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-own-'));
    const env = { DATA_DIR: dir, EMBEDDED_DATABASES: 'per-subgraph' };
    const first = new Databases({ env });
    const db1 = first.kysely<RegistryDatabase>('registry');
    await migrateSubgraph(db1, 'registry', migrations);
    await expectTransactionsApart(db1);
    // COPY's file crosses to the database's thread.
    const copied = await bulkInsert(
      db1,
      'household',
      [
        { name: 'commune_code', type: 'text' },
        { name: 'address', type: 'text' },
      ],
      [
        ['00070', '00070'],
        ['copied', 'with\ta tab'],
      ],
    );
    expect(copied).toBe(2);
    // An error keeps its SQLSTATE across the thread (a foreign key to an unknown commune).
    await expect(db1.insertInto('household').values({ commune_code: '99999', address: 'nowhere' }).execute()).rejects.toMatchObject({ code: '23503' });
    // Another subgraph: its own database, in its own folder.
    await sql`CREATE SCHEMA credit`.execute(first.kysely('credit'));
    const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(first.kysely('credit'));
    expect(rows).toEqual([{ schema: 'credit' }]);
    expect(fs.readdirSync(path.join(dir, 'databases')).sort()).toEqual(['credit', 'credit.lock', 'registry', 'registry.lock']);
    await first.close();
    expect(fs.readdirSync(path.join(dir, 'databases')).sort()).toEqual(['credit', 'registry']);

    const reopened = new Databases({ env });
    const db2 = reopened.kysely<RegistryDatabase>('registry');
    await migrateSubgraph(db2, 'registry', migrations);
    const addresses = await db2.selectFrom('household').select('address').orderBy('address').execute();
    expect(addresses).toEqual([{ address: 'copied' }, { address: 'with\ta tab' }]);
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the shared commune list', () => {
  it("is the registry's list: same codes, names, kinds and order", async () => {
    const { COMMUNES } = await import('../db/communes.js');
    const { databases, dispose } = await testDatabases();
    try {
      const db = databases.kysely<RegistryDatabase>('registry');
      await migrateSubgraph(db, 'registry', migrations);
      const rows = await db.selectFrom('commune').select(['code', 'name', 'kind']).orderBy('position').execute();
      expect(rows).toEqual(COMMUNES.map((c) => ({ ...c })));
    } finally {
      await dispose();
    }
  });
});
