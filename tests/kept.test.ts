import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSubgraph, type Databases } from '../db/index.js';
import { cityScope, communeOfKey, KeptAnswers } from '../platform/kept.js';
import { migrations } from '../subgraphs/credit/db/migrations/index.js';
import { testDatabases } from './support/stack.js';

// The kept-answers mechanism on its own (platform/kept.ts), against the credit schema's
// real triggers: which changes move which answers, the memory bound, and a write that commits
// while an answer is being computed. The graph-level tests are in tests/kept-figures.test.ts.

let databases: Databases;
let dispose: () => Promise<void>;
let db: Kysely<any>;
beforeAll(async () => {
  ({ databases, dispose } = await testDatabases());
  db = databases.kysely('credit');
  await migrateSubgraph(db, 'credit', migrations);
});
afterAll(async () => {
  await dispose?.();
});

const touch = (commune: string) =>
  sql`INSERT INTO credit_rollup (grain, period_start, commune_code, programme_code, amount_disbursed) VALUES ('day', '2025-01-01', ${commune}, '', 1)
    ON CONFLICT (grain, period_start, commune_code, programme_code) DO UPDATE SET amount_disbursed = credit_rollup.amount_disbursed + 1`.execute(db);

/** A kept loader whose every computation is counted; keys "commune|…" or city keys. */
function counted(kept: KeptAnswers) {
  const computed: string[] = [];
  const request = () => {
    const r = kept.forRequest();
    return {
      commune: r.loader<string, string>('commune', communeOfKey, async (keys) => (computed.push(...keys), keys.map((k) => `${k}@${computed.length}`))),
      city: r.loader<string, string>(
        'city',
        cityScope,
        async (keys) => (computed.push(...keys.map((k) => `city:${k}`)), keys.map((k) => `${k}@${computed.length}`)),
      ),
    };
  };
  return { computed, request };
}

describe('kept answers', () => {
  it("moves a commune's answers on its own changes only, the city's on every change, everything on a TRUNCATE", async () => {
    const { computed, request } = counted(new KeptAnswers(db, { enabled: () => true }));
    const load = async () => {
      const r = request();
      return Promise.all([r.commune.load('00070|p'), r.commune.load('00004|p'), r.city.load('p')]);
    };
    const first = await load();
    expect(await load()).toEqual(first);
    expect(computed).toEqual(['00070|p', '00004|p', 'city:p']);

    await touch('00070');
    const second = await load();
    expect(computed.slice(3)).toEqual(['00070|p', 'city:p']);
    expect(second[1]).toBe(first[1]);

    // A transaction that rolls back moves nothing.
    await db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO credit_rollup (grain, period_start, commune_code, programme_code) VALUES ('day', '2025-02-02', '00004', '')`.execute(trx);
        await sql`SELECT 1/0`.execute(trx);
      })
      .catch(() => {});
    await load();
    expect(computed).toHaveLength(5);

    await sql`TRUNCATE credit_household_gap`.execute(db);
    await load();
    expect(computed.slice(5)).toEqual(['00070|p', '00004|p', 'city:p']);
  });

  it('keeps at most maxEntries answers, the least recently used going first', async () => {
    const { computed, request } = counted(new KeptAnswers(db, { enabled: () => true, maxEntries: 2 }));
    await request().commune.load('00070|a');
    await request().commune.load('00004|a');
    await request().commune.load('00070|a'); // kept; now the most recently used
    await request().commune.load('09784|a'); // pushes out 00004|a
    await request().commune.load('00070|a');
    await request().commune.load('00004|a');
    expect(computed).toEqual(['00070|a', '00004|a', '09784|a', '00004|a']);
  });

  it('never serves an answer computed while a write committed: it was kept under the versions read before', async () => {
    const kept = new KeptAnswers(db, { enabled: () => true });
    let writeDuring = true;
    let computations = 0;
    const loader = () =>
      kept.forRequest().loader<string, number>('racy', communeOfKey, async (keys) => {
        computations++;
        // The versions were read before this: a write that commits now is newer than them.
        if (writeDuring) await touch('10369');
        const { rows } = await sql<{ n: string }>`SELECT coalesce(sum(amount_disbursed), 0) AS n FROM credit_rollup WHERE commune_code = '10369'`.execute(db);
        return keys.map(() => Number(rows[0]!.n));
      });
    const a = await loader().load('10369|x');
    writeDuring = false;
    const b = await loader().load('10369|x');
    expect(computations).toBe(2);
    expect(b).toBe(a);
    await loader().load('10369|x');
    expect(computations).toBe(2);
  });

  it('computes everything afresh when switched off', async () => {
    let on = false;
    const { computed, request } = counted(new KeptAnswers(db, { enabled: () => on }));
    await request().commune.load('00070|off');
    await request().commune.load('00070|off');
    expect(computed).toHaveLength(2);
    on = true;
    await request().commune.load('00070|off');
    await request().commune.load('00070|off');
    expect(computed).toHaveLength(3);
  });

  it('a lease on the version sum: a change to a figure commits only after it ends, and moves the sum', async () => {
    const kept = new KeptAnswers(db, { enabled: () => true });
    const asked = performance.now();
    const leased = await kept.leaseVersionSum(400);
    expect(leased.leaseMs).toBe(400);
    expect(leased.version).toBe(await kept.versionSum());
    await touch('00070');
    // The lease was granted after `asked`, so it ended no sooner than 400 ms after it.
    expect(performance.now() - asked).toBeGreaterThanOrEqual(400);
    expect(await kept.versionSum()).toBe(leased.version + 1);
    // No lease asked: none granted, and the row's end stays where it was (past).
    expect((await kept.leaseVersionSum(0)).leaseMs).toBe(0);
    const { rows } = await sql<{ over: boolean }>`SELECT until <= clock_timestamp() AS over FROM figure_lease`.execute(db);
    expect(rows).toEqual([{ over: true }]);
  });

  // Two sessions at once: the embedded database has one, so this runs on the server only.
  it.skipIf(!process.env.DATABASE_URL)('grants no lease, and does not wait, while a change is committing; leases again after it', async () => {
    const kept = new KeptAnswers(db, { enabled: () => true });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const isHolding = new Promise<void>((resolve) => (holding = resolve));
    // A writer at its commit holds the lease row (wait_for_figure_leases); here one that stops there.
    const writer = db.transaction().execute(async (trx) => {
      await sql`SELECT until FROM figure_lease WHERE id = 1 FOR UPDATE`.execute(trx);
      holding();
      await held;
    });
    await isHolding;
    const during = await kept.leaseVersionSum(5000);
    expect(during.leaseMs).toBe(0);
    release();
    await writer;
    expect((await kept.leaseVersionSum(50)).leaseMs).toBe(50);
  });

  it.skipIf(!process.env.DATABASE_URL)('writers at once under a lease: each commits after it ends, none fails, every change counted', async () => {
    const kept = new KeptAnswers(db, { enabled: () => true });
    const asked = performance.now();
    const leased = await kept.leaseVersionSum(300);
    expect(leased.leaseMs).toBe(300);
    // Two communes and one twice: the writers queue on the lease row at commit, not on each other's rows only.
    await Promise.all(['00070', '00004', '00070', '10369'].map((commune) => touch(commune)));
    expect(performance.now() - asked).toBeGreaterThanOrEqual(300);
    expect(await kept.versionSum()).toBe(leased.version + 4);
  });
});
