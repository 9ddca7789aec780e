import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WRITE_ATTEMPTS, runWrite } from '../../platform/writes.js';
import { testDatabases } from '../support/stack.js';

// The write path's retries (platform/writes.ts): a transaction the database aborted for
// a serialization failure (40001) or a deadlock (40P01) is run again, a bounded number of times,
// and then refused as WRITE_CONFLICT; any other error is not retried. Against PostgreSQL
// (DATABASE_URL) a real deadlock is made and both writers get through.

let db: Kysely<any>;
let dispose: () => Promise<void>;
beforeAll(async () => {
  const made = await testDatabases();
  dispose = made.dispose;
  db = made.databases.kysely<any>('retries');
  await sql`CREATE SCHEMA IF NOT EXISTS retries`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS retries.counter (id int PRIMARY KEY, n int NOT NULL)`.execute(db);
  await sql`INSERT INTO retries.counter VALUES (1, 0), (2, 0)`.execute(db);
});
afterAll(async () => {
  await dispose?.();
});

function dbError(code: string): Error {
  return Object.assign(new Error(`simulated ${code}`), { code });
}

describe('runWrite', () => {
  it('runs a transaction aborted by a deadlock or a serialization failure again, rolled back in between', async () => {
    let tries = 0;
    const result = await runWrite(db, async (trx) => {
      tries++;
      await sql`UPDATE retries.counter SET n = n + 1 WHERE id = 1`.execute(trx);
      if (tries === 1) throw dbError('40P01');
      if (tries === 2) throw dbError('40001');
      return 'written';
    });
    expect(result).toBe('written');
    expect(tries).toBe(3);
    // The two aborted tries left nothing behind.
    const { rows } = await sql<{ n: number }>`SELECT n FROM retries.counter WHERE id = 1`.execute(db);
    expect(rows[0]!.n).toBe(1);
  });

  it('gives up after a bounded number of tries with WRITE_CONFLICT, not BAD_USER_INPUT', async () => {
    let tries = 0;
    const started = Date.now();
    const error = await runWrite(db, async () => {
      tries++;
      throw dbError('40001');
    }).catch((e: unknown) => e as { extensions?: Record<string, unknown>; message: string });
    expect(tries).toBe(MAX_WRITE_ATTEMPTS);
    expect(error.extensions).toEqual({ code: 'WRITE_CONFLICT' });
    expect(error.message).not.toMatch(/40001|serializ/i);
    // Small pauses: the whole give-up takes well under a second.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not retry other errors, and a lock timeout is a conflict at once', async () => {
    let tries = 0;
    const unique = await runWrite(db, async () => {
      tries++;
      throw dbError('23505');
    }).catch((e: unknown) => e as { code?: string });
    expect(tries).toBe(1);
    expect(unique.code).toBe('23505');
    tries = 0;
    const timeout = await runWrite(db, async () => {
      tries++;
      throw dbError('55P03');
    }).catch((e: unknown) => e as { extensions?: Record<string, unknown> });
    expect(tries).toBe(1);
    expect(timeout.extensions).toEqual({ code: 'WRITE_CONFLICT' });
  });

  it.skipIf(!process.env.DATABASE_URL)('gets both writers of a real deadlock through (PostgreSQL)', async () => {
    let deadlocks = 0;
    // Two writers lock the same two rows in opposite orders, each waiting for the other to
    // have taken its first lock: PostgreSQL aborts one (40P01), which runWrite runs again.
    let arrived = 0;
    const bothHoldOne = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (arrived >= 2) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    const writer = (first: number, second: number) =>
      runWrite(db, async (trx) => {
        try {
          await sql`UPDATE retries.counter SET n = n + 1 WHERE id = ${first}`.execute(trx);
          arrived++;
          await bothHoldOne;
          await sql`UPDATE retries.counter SET n = n + 1 WHERE id = ${second}`.execute(trx);
        } catch (error) {
          if ((error as { code?: string }).code === '40P01') deadlocks++;
          throw error;
        }
      });
    const before = await sql<{ n: number }>`SELECT sum(n)::int AS n FROM retries.counter`.execute(db);
    await Promise.all([writer(1, 2), writer(2, 1)]);
    const after = await sql<{ n: number }>`SELECT sum(n)::int AS n FROM retries.counter`.execute(db);
    expect(deadlocks).toBe(1);
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(4);
  });
});
