import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRollupsCurrent, rebuildRollups, staleRollups, withRollups, writeRollups, type Rollups } from '../platform/rollups.js';
import { testDatabases } from './support/stack.js';

// The one rollup mechanism (platform/rollups.ts) on a toy department: payments by household,
// a summed rollup (paid per commune and year) and an owned one (each household's last payment).
// The departments' own rollups are checked against their records in rollups.test.ts.

interface Payment {
  household_id: number;
  commune_code: string;
  paid_on: string;
  amount: number;
}

let db: Kysely<any>;
let dispose: () => Promise<void>;

function toyRollups(version: number, rule: (p: Payment) => number = (p) => p.amount): Rollups<any, Payment[]> {
  return {
    name: 'toy',
    version,
    lockPrefix: 'toy.household',
    tables: [
      {
        kind: 'sum',
        table: 'toy_paid',
        key: [
          { name: 'commune_code', type: 'text' },
          { name: 'year', type: 'int4' },
        ],
        measures: [
          { name: 'paid', type: 'int8' },
          { name: 'payments', type: 'int8' },
        ],
      },
      {
        kind: 'owned',
        table: 'toy_last',
        owner: 'household_id',
        columns: [
          { name: 'household_id', type: 'int8' },
          { name: 'last_paid_on', type: 'date' },
        ],
      },
    ],
    async facts(on, owners) {
      const where = owners ? sql`WHERE household_id = ANY(${[...owners]}::int8[])` : sql``;
      const { rows } = await sql<Payment>`SELECT household_id::int4 AS household_id, commune_code, paid_on::text AS paid_on, amount::int4 AS amount
        FROM toy_payment ${where}`.execute(on);
      return rows;
    },
    derive(payments) {
      const last = new Map<number, string>();
      for (const p of payments) if ((last.get(p.household_id) ?? '') < p.paid_on) last.set(p.household_id, p.paid_on);
      return {
        toy_paid: payments.map((p) => ({ commune_code: p.commune_code, year: Number(p.paid_on.slice(0, 4)), paid: rule(p), payments: 1 })),
        toy_last: [...last].map(([household_id, last_paid_on]) => ({ household_id, last_paid_on })),
      };
    },
  };
}

const pay = (on: Kysely<any>, p: Payment) => sql`INSERT INTO toy_payment VALUES (${p.household_id}, ${p.commune_code}, ${p.paid_on}, ${p.amount})`.execute(on);
const paidText = async (on: Kysely<any>) =>
  (await sql<{ t: string }>`SELECT t::text AS t FROM toy_paid t WHERE paid <> 0 OR payments <> 0 ORDER BY 1`.execute(on)).rows.map((r) => r.t);
const lastText = async (on: Kysely<any>) => (await sql<{ t: string }>`SELECT t::text AS t FROM toy_last t ORDER BY 1`.execute(on)).rows.map((r) => r.t);

/** The rollups as kept, against the rule run on every record (in a transaction rolled back). */
async function expectExact(set: Rollups<any, Payment[]>): Promise<void> {
  const kept = [await paidText(db), await lastText(db)];
  let derived: string[][] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      await rebuildRollups(trx, set);
      derived = [await paidText(trx), await lastText(trx)];
      throw new Error('rollback');
    })
    .catch((e: unknown) => {
      if (!(e instanceof Error) || e.message !== 'rollback') throw e;
    });
  expect(kept).toEqual(derived);
}

beforeAll(async () => {
  ({ dispose } = await testDatabases().then(({ databases, dispose }) => {
    db = databases.kysely<any>('toy');
    return { dispose };
  }));
  await sql`CREATE SCHEMA IF NOT EXISTS toy`.execute(db);
  await sql`CREATE TABLE toy_payment (household_id int8 NOT NULL, commune_code text NOT NULL, paid_on date NOT NULL, amount int4 NOT NULL)`.execute(db);
  await sql`CREATE TABLE toy_paid (commune_code text, year int4, paid int8 NOT NULL, payments int8 NOT NULL, PRIMARY KEY (commune_code, year))`.execute(db);
  await sql`CREATE TABLE toy_last (household_id int8 PRIMARY KEY, last_paid_on date NOT NULL)`.execute(db);
});
afterAll(async () => {
  await dispose?.();
});

describe('the rollup mechanism', () => {
  it('rebuilds a set whose version was never recorded, then records it', async () => {
    await pay(db, { household_id: 1, commune_code: '00001', paid_on: '2024-03-01', amount: 100 });
    await pay(db, { household_id: 2, commune_code: '00001', paid_on: '2024-05-01', amount: 50 });
    const set = toyRollups(1);
    expect((await staleRollups(db, [set])).map((s) => s.name)).toEqual(['toy']);
    const log: string[] = [];
    await ensureRollupsCurrent(db, [set], (m) => log.push(m));
    expect(log).toHaveLength(1);
    expect(await paidText(db)).toEqual(['(00001,2024,150,2)']);
    expect(await lastText(db)).toEqual(['(1,2024-03-01)', '(2,2024-05-01)']);
    expect(await staleRollups(db, [set])).toEqual([]);
    // Current: nothing rebuilt again.
    await ensureRollupsCurrent(db, [set], (m) => log.push(m));
    expect(log).toHaveLength(1);
  });

  it('moves the summed rows by the difference a write made, and replaces the owned rows', async () => {
    const set = toyRollups(1);
    await withRollups(db, set, [1], (trx) => pay(trx, { household_id: 1, commune_code: '00002', paid_on: '2025-01-10', amount: 30 }));
    expect(await paidText(db)).toEqual(['(00001,2024,150,2)', '(00002,2025,30,1)']);
    expect(await lastText(db)).toEqual(['(1,2025-01-10)', '(2,2024-05-01)']);
    // A correction: moved to another commune, two owners at once.
    await withRollups(db, set, [2, 1], async (trx) => {
      await sql`UPDATE toy_payment SET commune_code = '00003' WHERE household_id IN (1, 2) AND paid_on >= '2024-05-01'`.execute(trx);
    });
    expect(await paidText(db)).toEqual(['(00001,2024,100,1)', '(00003,2024,50,1)', '(00003,2025,30,1)']);
    await expectExact(set);
  });

  it('leaves the rollups as they were when the write fails', async () => {
    const set = toyRollups(1);
    const before = [await paidText(db), await lastText(db)];
    await expect(
      db.transaction().execute((trx) =>
        withRollups(trx, set, [3], async () => {
          await pay(trx, { household_id: 3, commune_code: '00001', paid_on: '2025-02-01', amount: 5 });
          throw new Error('refused');
        }),
      ),
    ).rejects.toThrow('refused');
    expect([await paidText(db), await lastText(db)]).toEqual(before);
  });

  it('two writers for one household at once each count once', async () => {
    const set = toyRollups(1);
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        db
          .transaction()
          .execute((trx) => withRollups(trx, set, [4], () => pay(trx, { household_id: 4, commune_code: '00004', paid_on: `2025-03-0${i + 1}`, amount: 10 }))),
      ),
    );
    expect((await paidText(db)).filter((t) => t.startsWith('(00004'))).toEqual(['(00004,2025,40,4)']);
    expect((await lastText(db)).filter((t) => t.startsWith('(4,'))).toEqual(['(4,2025-03-04)']);
    await expectExact(set);
  });

  it('a changed rule (a new version) rebuilds every row by the new rule', async () => {
    const doubled = toyRollups(2, (p) => 2 * p.amount);
    expect((await staleRollups(db, [doubled])).map((s) => s.name)).toEqual(['toy']);
    await ensureRollupsCurrent(db, [doubled]);
    const { rows } = await sql<{ paid: string }>`SELECT sum(paid)::text AS paid FROM toy_paid`.execute(db);
    const { rows: raw } = await sql<{ amount: string }>`SELECT sum(amount)::text AS amount FROM toy_payment`.execute(db);
    expect(Number(rows[0]!.paid)).toBe(2 * Number(raw[0]!.amount));
    const { rows: recorded } = await sql<{ version: number }>`SELECT version FROM rollup_rules WHERE name = 'toy'`.execute(db);
    expect(recorded).toEqual([{ version: 2 }]);
  });

  it('writeRollups replaces everything and leaves out rows of zeros', async () => {
    const set = toyRollups(3);
    await writeRollups(db, set, {
      toy_paid: [
        { commune_code: '00009', year: 2020, paid: 0, payments: 0 },
        { commune_code: '00009', year: 2021, paid: 7, payments: 1 },
      ],
    });
    expect(await paidText(db)).toEqual(['(00009,2021,7,1)']);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM toy_paid`.execute(db);
    expect(rows[0]!.n).toBe(1);
    expect(await lastText(db)).toEqual([]);
    expect(await staleRollups(db, [set])).toEqual([]);
  });
});
