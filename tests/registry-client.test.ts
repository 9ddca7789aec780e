import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../platform/registry-client.js';
import { registry } from '../subgraphs/registry/index.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ subgraphs: [registry] });
});
afterAll(async () => {
  await stack?.close();
});

describe('the registry client programme subgraphs use', () => {
  it("returns the registry's commune and yearly classification for known households only", async () => {
    const client = new RegistryClient(stack.subgraphUrls.registry!, () => stack.auth.serviceHeaders('test'));
    const found = await client.households(['1', '2', '999999', 'not-an-id'], [2022, 2024]);
    expect([...found.keys()].sort()).toEqual(['1', '2']);
    const direct = await stack.query(
      `{ household(id: "1") { commune { code kind } a: latestReview(year: 2022) { classification } b: latestReview(year: 2024) { classification } } }`,
    );
    expect(found.get('1')).toEqual({
      id: '1',
      communeCode: direct.data.household.commune.code,
      communeKind: direct.data.household.commune.kind,
      classificationByYear: { 2022: direct.data.household.a.classification, 2024: direct.data.household.b.classification },
    });
  });

  it('asks in batches: a constant number of statements per batch of up to 500 households', async () => {
    const client = new RegistryClient(stack.subgraphUrls.registry!, () => stack.auth.serviceHeaders('test'));
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));
    const statementsFor = async (n: number) => {
      stack.databases.statements.reset();
      const found = await client.households(ids(n), [2023]);
      return { found: found.size, statements: stack.databases.statements.get('registry') };
    };
    const few = await statementsFor(5);
    const batch = await statementsFor(300);
    expect(batch).toEqual({ found: 300, statements: few.statements });
    // 1,200 ids are three batches (the demo has 300 households, all in the first).
    const many = await statementsFor(1200);
    expect(many.found).toBe(300);
    expect(many.statements).toBeLessThanOrEqual(3 * few.statements);
  });

  it('knows members and their households', async () => {
    const client = new RegistryClient(stack.subgraphUrls.registry!, () => stack.auth.serviceHeaders('test'));
    const members = await client.members(['1', '424242']);
    expect([...members.keys()]).toEqual(['1']);
    expect(members.get('1')).toMatchObject({ householdId: '1' });
  });
});

describe('communes and household members', () => {
  it('knows the communes and the members of each household', async () => {
    const client = new RegistryClient(stack.subgraphUrls.registry!, () => stack.auth.serviceHeaders('test'));
    const communes = await client.communes(['00070', '99999', 'abc']);
    expect([...communes.values()]).toEqual([{ code: '00070', kind: 'WARD' }]);
    const members = await client.householdMembers(['1', '888888']);
    const direct = await stack.query(`{ household(id: "1") { members { id } } }`);
    expect([...members.entries()]).toEqual([['1', direct.data.household.members.map((m: any) => m.id)]]);
  });
});
