import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/stack.js';

// N+1 guards: the number of SQL statements a request costs must not grow with the number of
// households or reviews in the answer. Each guard runs the same operation at two sizes and
// requires the same statement count, and prints it.
//
// They measure what computing an answer costs, so they run with kept answers off: a kept answer
// costs fewer statements (its versions only; tests/kept-figures.test.ts counts those), and a
// request that happened to find some answers kept would compare unlike with unlike.
process.env.KEPT_FIGURES = 'off';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

async function statementsFor(query: string, variables?: Record<string, unknown>, url?: string) {
  stack.databases.statements.reset();
  const r = await stack.query(query, variables, url);
  expect(r.errors).toBeUndefined();
  return { statements: stack.databases.statements.get(), data: r.data };
}

describe('N+1 guards (registry)', () => {
  it('households with their 200+ reviews cost the same statements as a few', async () => {
    const q = `query($first: Int!) { households(first: $first, filter: { year: 2022 }) { edges { node {
      id commune { name } members { fullName }
      reviews { year classification commune { code } standard { code indicators { code } } indicators { deprived } household { id } }
    } } } }`;
    const small = await statementsFor(q, { first: 3 });
    const large = await statementsFor(q, { first: 100 });
    const reviews = large.data.households.edges.reduce((n: number, e: any) => n + e.node.reviews.length, 0);
    expect(reviews).toBeGreaterThanOrEqual(200);
    // A counter that counts nothing would pass the equality: the small request costs statements.
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: households of ${reviews} reviews through the gateway = ${large.statements} SQL statements`);
  });

  it('_entities for 200 households is a constant number of statements', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household {
      id address commune { name povertyFigures(year: 2023) { poor } } members { id relation } latestReview { classification standard { code } }
    } } }`;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Household', id: String(i + 1) }));
    const small = await statementsFor(q, { r: reps(5) }, stack.subgraphUrls.registry);
    const large = await statementsFor(q, { r: reps(200) }, stack.subgraphUrls.registry);
    expect(large.data._entities.filter(Boolean)).toHaveLength(200);
    // A counter that counts nothing would pass the equality: the small request costs statements.
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: _entities for 200 households = ${large.statements} SQL statements`);
  });

  it('poverty figures for all 126 communes are a constant number of statements', async () => {
    const q = `query($codes: [ID!]) { communes(filter: { codes: $codes }) { code householdCount(year: 2024)
      povertyFigures(year: 2024) { poor nearPoor poorRatePercent } povertyTrend(fromYear: 2022, toYear: 2024) { poor } } }`;
    const small = await statementsFor(q, { codes: ['00070', '00004'] });
    const large = await statementsFor(q, { codes: null });
    expect(large.data.communes).toHaveLength(126);
    // A counter that counts nothing would pass the equality: the small request costs statements.
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    console.log(`N+1 guard: poverty figures of 126 communes = ${large.statements} SQL statements`);
  });
});
