import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups, staleRollups, type Rollups } from '../platform/rollups.js';
import { credit } from '../subgraphs/credit/index.js';
import { creditRollupSet } from '../subgraphs/credit/rollups.js';
import { registry } from '../subgraphs/registry/index.js';
import { socialInsurance } from '../subgraphs/social_insurance/index.js';
import { healthInsuranceRollupSet } from '../subgraphs/social_insurance/rollups.js';
import { startTestStack, type TestStack } from './support/stack.js';

// The city data set writes credit's and the health-insurance rollups by their own bulk paths
// (credit's as typed columns, for the first start's time): they must be the rows the one rollup
// mechanism rebuilds from the loaded records, and recorded as current, so that the next start
// rebuilds nothing.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry, credit, socialInsurance], data: 'city', scale: 0.02 });
}, 300_000);
afterAll(async () => {
  await stack?.close();
});

class Rollback extends Error {}

/** Every row of the set's tables, as text, in a stable order. */
async function rowsOf(on: Kysely<any>, set: Rollups<any, any>): Promise<string[][]> {
  const texts: string[][] = [];
  for (const table of set.tables) {
    const { rows } = await sql<{ t: string }>`SELECT t::text AS t FROM ${sql.table(table.table)} t ORDER BY 1`.execute(on);
    texts.push(rows.map((r) => r.t));
  }
  return texts;
}

async function expectGeneratedAsRebuilt(subgraph: string, set: Rollups<any, any>): Promise<void> {
  const db = stack.databases.kysely<any>(subgraph);
  expect(await staleRollups(db, [set])).toEqual([]);
  const generated = await rowsOf(db, set);
  for (const rows of generated) expect(rows.length).toBeGreaterThan(100);
  let rebuilt: string[][] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      await rebuildRollups(trx, set);
      rebuilt = await rowsOf(trx, set);
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  rebuilt.forEach((rows, i) => expect(rows, set.tables[i]!.table).toEqual(generated[i]));
}

describe('credit and health-insurance rollups of the city data set', () => {
  it('credit: the generator writes the rows the mechanism rebuilds, and records their version', async () => {
    await expectGeneratedAsRebuilt('credit', creditRollupSet);
  }, 300_000);

  it('health insurance: the generator writes the rows the mechanism rebuilds, and records their version', async () => {
    await expectGeneratedAsRebuilt('social_insurance', healthInsuranceRollupSet);
  }, 300_000);
});
