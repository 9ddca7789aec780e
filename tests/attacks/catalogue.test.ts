import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../../platform/operations.js';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.js';
import { attackSurface, CONFIDENCE, isWithheld, posterior, withheldLikelihood, type AttackSurface } from './attacker.js';

// What a caller without a token can actually run: the registered operations of
// schema/operations/ (safelisting, as the gateway ships: PUBLIC_OPERATIONS=registered), by
// their text or by `documentId`, and schema introspection; nothing else. Then the attacker
// works with what the catalogue gives: every commune from the scorecard against the city from
// the overview, with the same variables.
delete process.env.PUBLIC_OPERATIONS;

const operations = loadOperations();
let stack: TestStack;
let surface: AttackSurface;
beforeAll(async () => {
  stack = await startTestStack();
  surface = await attackSurface(stack);
});
afterAll(async () => {
  await stack?.close();
});

async function post(body: unknown, token?: string): Promise<{ status: number; body: GraphQLResponse }> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse };
}

describe('the public catalogue', () => {
  it.each(operations.map((o) => [o.name, o] as const))(
    'runs %s without a token, by its text and by its name (or refuses it for the records it lists)',
    async (_name, op) => {
      const byText = await post({ query: op.document, variables: op.variables });
      const byName = await post({ documentId: op.name, variables: op.variables });
      expect(byName.body).toEqual(byText.body);
      const codes = (byText.body.errors ?? []).map((e) => e.extensions?.code);
      // Operations over household records are registered for the dashboard's signed-in users.
      if (codes.length) expect(codes.every((c) => c === 'UNAUTHENTICATED')).toBe(true);
      else expect(byText.body.data).toBeTruthy();
    },
  );

  it('lists the registered operations at /operations, each with an id that runs it', async () => {
    const listed = (await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/operations'))).json()) as {
      operations: Array<{ name: string; id: string; document: string }>;
    };
    expect(listed.operations.map((o) => o.name).sort()).toEqual(operations.map((o) => o.name).sort());
    const overview = listed.operations.find((o) => o.name === 'city-overview')!;
    const op = operations.find((o) => o.name === 'city-overview')!;
    const r = await post({ documentId: overview.id, variables: op.variables });
    expect(r.body.errors).toBeUndefined();
  });

  it('refuses any other document without a token with 401, saying how to proceed; introspection and a token work', async () => {
    for (const query of [
      '{ city { name } }',
      '{ communes { code povertyFigures(year: 2023) { poor } } }',
      'query X { ...F } fragment F on Query { city { code } }',
    ]) {
      const r = await post({ query });
      expect(r.status).toBe(401);
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNREGISTERED_OPERATION' });
      expect(r.body.errors?.[0]?.message).toMatch(/schema\/operations/);
      expect(r.body.data ?? null).toBeNull();
    }
    expect((await post({ query: '{ __schema { queryType { name } } }' })).body.errors).toBeUndefined();
    expect((await post({ query: '{ city { name } }' }, await stack.token({ roles: ['analyst'] }))).body.errors).toBeUndefined();
  });

  it("gives the attacker no withheld commune from the catalogue's own tables (scorecard against city overview)", async () => {
    const analyst = await stack.token({ roles: ['analyst'] });
    const scorecard = operations.find((o) => o.name === 'commune-scorecard')!;
    const overview = operations.find((o) => o.name === 'city-overview')!;
    const variants = [scorecard.variables, { ...scorecard.variables, from: '2023-01-01', to: '2023-12-31', year: 2023, asOf: '2023-12-31' }];
    let attacked = 0;
    let maxConfidence = 0;
    for (const variables of variants) {
      const [pubCommunes, exactCommunes, pubCity] = await Promise.all([
        post({ query: scorecard.document, variables }),
        post({ query: scorecard.document, variables }, analyst),
        post({ query: overview.document, variables }),
      ]);
      expect(pubCommunes.body.errors).toBeUndefined();
      expect(pubCity.body.errors).toBeUndefined();
      const flat = (value: unknown, path = ''): Array<[string, unknown]> =>
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flat(v, path ? `${path}.${k}` : k))
          : [[path, value]];
      const city = new Map(flat(pubCity.body.data!.city));
      const communes = pubCommunes.body.data.communes.map((c: unknown, i: number) => ({
        pub: new Map(flat(c)),
        exact: new Map(flat(exactCommunes.body.data.communes[i])),
      }));
      for (const [path, total] of city) {
        if (typeof total !== 'number' || !communes[0]!.exact.has(path)) continue;
        const parts = communes.map((c: any) => ({ public: c.pub.get(path), exact: c.exact.get(path) }));
        const withheld = parts.filter((p: any) => isWithheld(surface, p.public, p.exact));
        if (!withheld.length || parts.some((p: any) => p.public === null && !withheld.includes(p))) continue;
        const likelihood = withheldLikelihood(
          surface,
          total,
          parts.filter((p: any) => !withheld.includes(p)).map((p: any) => p.public as number),
          withheld.length,
        );
        for (const part of withheld) {
          attacked++;
          maxConfidence = Math.max(maxConfidence, posterior([likelihood], surface.threshold)[(part.exact as number) - 1]!);
        }
      }
    }
    console.log(
      `catalogue: ${attacked} withheld commune values attacked from the scorecard and the city overview; confidence at most ${(maxConfidence * 100).toFixed(1)}%`,
    );
    expect(attacked).toBeGreaterThan(0);
    expect(maxConfidence).toBeLessThan(CONFIDENCE);
  });
});
