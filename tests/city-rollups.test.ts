import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups, staleRollups, type Rollups } from '../platform/rollups.js';
import { employment } from '../subgraphs/employment/index.js';
import { employmentRollups } from '../subgraphs/employment/rollups.js';
import { registry } from '../subgraphs/registry/index.js';
import { povertyRollups } from '../subgraphs/registry/rollups.js';
import { startTestStack, type TestStack } from './support/stack.js';

// The city data set derives its rollups in its generators' worker threads, from the rows in
// memory, rather than reading the records back on the database's thread (docs/performance.md,
// "First start"): they must be the rows the same rule derives from the loaded records
// (rebuildRollups), and the generator must record the rules' version, so that the next start
// does not rebuild them.

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

class Rollback extends Error {}

/** The tables as generated, and as rebuilt from the records by the rule (rolled back). */
async function generatedAndRebuilt(db: Kysely<any>, set: Rollups<any, any>, tables: ReadonlyArray<readonly [string, string]>) {
  const generated = await Promise.all(tables.map(([table, order]) => rows(db, table, order)));
  let rebuilt: unknown[][] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      await rebuildRollups(trx, set);
      rebuilt = [];
      for (const [table, order] of tables) rebuilt.push(await rows(trx, table, order));
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return { generated, rebuilt };
}

describe('rollups of the city data set', () => {
  it('employment: the generator derives the rows the rule derives from the loaded records, and records its version', async () => {
    const db = stack.databases.kysely<any>('employment');
    expect(await staleRollups(db, [employmentRollups])).toEqual([]);
    const { generated, rebuilt } = await generatedAndRebuilt(db, employmentRollups, [
      ['employment_placement_rollup', 'year, commune_code, channel'],
      ['employment_training_rollup', 'year, commune_code, level'],
    ]);
    expect(generated[0]!.length).toBeGreaterThan(100);
    expect(generated[1]!.length).toBeGreaterThan(100);
    expect(generated).toEqual(rebuilt);
  }, 120_000);

  it('registry: the generator derives the rows the rule derives from the loaded reviews, and records its version', async () => {
    const db = stack.databases.kysely<any>('registry');
    expect(await staleRollups(db, [povertyRollups])).toEqual([]);
    const { generated, rebuilt } = await generatedAndRebuilt(db, povertyRollups, [
      ['poverty_year_rollup', 'year, commune_code'],
      ['poverty_whatif_rollup', 'year, standard_code, commune_code'],
      ['poverty_status_change', 'commune_code, change_date'],
    ]);
    // Every table has rows, the what-if rows score under more than one standard, and the status
    // changes include a household's later review taking the place of its earlier one.
    for (const table of generated) expect(table.length).toBeGreaterThan(100);
    expect(new Set(generated[1]!.map((r: any) => r.standard_code)).size).toBeGreaterThan(1);
    expect(generated[2]!.some((r: any) => r.poor < 0 || r.near_poor < 0)).toBe(true);
    expect(generated).toEqual(rebuilt);
  }, 120_000);
});
