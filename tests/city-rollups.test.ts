import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employment } from '../subgraphs/employment/index.js';
import { refreshRollups } from '../subgraphs/employment/repository.js';
import { registry } from '../subgraphs/registry/index.js';
import { startTestStack, type TestStack } from './support/stack.js';

// The city data set derives some rollups in its generators' worker threads, from the rows in
// memory, rather than in SQL on the database's thread (docs/performance.md, "First start"):
// they must be the rows the SQL derives from the loaded records.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, employment], data: 'city', scale: 0.02 });
}, 300_000);
afterAll(async () => {
  await stack?.close();
});

async function rows(db: Kysely<any>, table: string, order: string): Promise<unknown[]> {
  return (await sql.raw(`SELECT * FROM ${table} ORDER BY ${order}`).execute(db)).rows;
}

describe('rollups of the city data set', () => {
  it('employment: the generator derives the rows refreshRollups derives in SQL', async () => {
    const db = stack.databases.kysely<any>('employment');
    const tables = [
      ['employment_placement_rollup', 'year, commune_code, channel'],
      ['employment_training_rollup', 'year, commune_code, level'],
    ] as const;
    const generated = await Promise.all(tables.map(([table, order]) => rows(db, table, order)));
    expect(generated[0]!.length).toBeGreaterThan(100);
    expect(generated[1]!.length).toBeGreaterThan(100);
    // This stack is the test's own: the SQL may replace the rows.
    await refreshRollups(db);
    const fromSql = await Promise.all(tables.map(([table, order]) => rows(db, table, order)));
    expect(generated).toEqual(fromSql);
  }, 120_000);
});
