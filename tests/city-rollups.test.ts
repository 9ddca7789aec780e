import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employment } from '../subgraphs/employment/index.js';
import { refreshRollups } from '../subgraphs/employment/repository.js';
import { registry } from '../subgraphs/registry/index.js';
import { rebuildPovertyRollups } from '../subgraphs/registry/repository.js';
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

  it('registry: the generator derives the rows rebuildPovertyRollups derives in SQL', async () => {
    const db = stack.databases.kysely<any>('registry');
    const tables = [
      ['poverty_year_rollup', 'year, commune_code'],
      ['poverty_whatif_rollup', 'year, standard_code, commune_code'],
      ['poverty_status_change', 'commune_code, change_date'],
    ] as const;
    const generated = await Promise.all(tables.map(([table, order]) => rows(db, table, order)));
    // Every table has rows, the what-if rows score under more than one standard, and the status
    // changes include a household's later review taking the place of its earlier one.
    for (const table of generated) expect(table.length).toBeGreaterThan(100);
    expect(new Set(generated[1]!.map((r: any) => r.standard_code)).size).toBeGreaterThan(1);
    expect(generated[2]!.some((r: any) => r.poor < 0 || r.near_poor < 0)).toBe(true);
    // This stack is the test's own: the SQL may replace the rows.
    await rebuildPovertyRollups(db);
    const fromSql = await Promise.all(tables.map(([table, order]) => rows(db, table, order)));
    expect(generated).toEqual(fromSql);
  }, 120_000);
});
