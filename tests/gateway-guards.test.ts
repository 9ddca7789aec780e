import fs from 'node:fs';
import { parse, Kind } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRules } from '../platform/access/rules.js';
import { onlyError, startTestStack, type TestStack } from './support/stack.js';
import { expectPublicCount } from './support/disclosure.js';

// These tests are about this department's answers, so callers without a token may send any
// document; the gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

// What the gateway guards besides the access matrix: small counts for the public, request
// limits, CSRF and CORS, and the audit trail of personal reads. The SMALL_COUNT threshold and
// CORS origins come from the environment, as a deployment sets them.

process.env.CORS_ORIGINS = 'http://dashboards.example.test';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('small counts for the public', () => {
  const QUERY = `{ communes { code povertyFigures(year: 2024) { poor nearPoor households poorRatePercent } } }`;

  it('withholds counts from 1 to 4 (null, with the path and reason in extensions), shows 0, and perturbs larger counts', async () => {
    const exact = await stack.query(QUERY);
    const pub = await stack.query(QUERY, undefined, undefined, null);
    expect(exact.errors).toBeUndefined();
    expect(pub.errors).toBeUndefined();
    const withheld = (pub as any).extensions?.withheld as Array<{ path: Array<string | number>; coordinate: string; reason: string }>;
    let small = 0;
    let shown = 0;
    // Counts null for everyone (no list drawn): unknown, not withheld, and not reported as
    // withheld (the gateway reports only the nulls the subgraph said it withheld).
    let unknown = 0;
    exact.data.communes.forEach((c: any, i: number) => {
      const p = pub.data.communes[i].povertyFigures;
      for (const field of ['poor', 'nearPoor'] as const) {
        // No list drawn in the commune that year: unknown for everyone, not a withheld count.
        if (c.povertyFigures[field] === null) {
          expect(p[field]).toBeNull();
          expect(withheld).not.toContainEqual(expect.objectContaining({ path: ['communes', i, 'povertyFigures', field] }));
          unknown++;
          continue;
        }
        const outcome = expectPublicCount(p[field], c.povertyFigures[field], `${c.code} ${field}`);
        if (outcome === 'withheld') {
          small++;
          expect(withheld).toContainEqual(expect.objectContaining({ path: ['communes', i, 'povertyFigures', field], coordinate: `PovertyFigures.${field}` }));
        } else shown++;
      }
      // A rate would give a withheld count away, so it goes with it; otherwise it is the rate of
      // the published counts, so that it gives no exact count back.
      if (p.poor === null) expect(p.poorRatePercent).toBeNull();
      else if (p.households) expect(p.poorRatePercent).toBeCloseTo((p.poor / p.households) * 100, 12);
    });
    // The demo data has both kinds, or this test would prove nothing.
    expect(small).toBeGreaterThan(0);
    expect(shown).toBeGreaterThan(0);
    expect(unknown).toBeGreaterThan(0);
    expect(withheld.filter((w) => w.coordinate !== 'PovertyFigures.poorRatePercent')).toHaveLength(small);
    expect(withheld[0]!.reason).toMatch(/withheld/);
  });

  it('shows every count to an analyst', async () => {
    const analyst = await stack.token({ roles: ['analyst'] });
    const r = await stack.query(QUERY, undefined, undefined, analyst);
    const admin = await stack.query(QUERY);
    expect((r as any).extensions?.withheld).toBeUndefined();
    // Null only where no list was drawn (the administrator's answer is null there too).
    expect(r.data.communes.filter((c: any, i: number) => c.povertyFigures.poor === null && admin.data.communes[i].povertyFigures.poor !== null)).toEqual([]);
    expect(r.data.communes.some((c: any) => c.povertyFigures.poor !== null)).toBe(true);
  });
});

describe('request limits', () => {
  it('refuses a query nested too deep', async () => {
    const deep = `{ households(first: 1) { edges { node { members { household { members { household { members { household { members { household { members { household { id } } } } } } } } } } } } } }`;
    const error = onlyError(await stack.query(deep));
    expect(error.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'depth', actual: 14, maximum: 12 });
  });

  it('refuses too many aliases', async () => {
    const aliased = `{ ${Array.from({ length: 51 }, (_, i) => `a${i}: city { code }`).join(' ')} }`;
    const error = onlyError(await stack.query(aliased));
    expect(error.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'aliases', actual: 51 });
  });

  it('refuses an estimated cost above the limit, counting lists by their page size', async () => {
    const costly = `{ households(first: 100) { edges { node { members { household { reviews { indicators { deprived } } } } } } } }`;
    const error = onlyError(await stack.query(costly));
    expect(error.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost' });
    expect(error.message).toMatch(/estimated cost/);
  });

  it('refuses a page larger than 100, also through a variable, before any subgraph is asked', async () => {
    const error = onlyError(await stack.query(`query($n: Int) { households(first: $n) { totalCount } }`, { n: 500 }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first', limit: 'pageSize', actual: 500 });
  });

  it('lets the dashboard operations and the playground’s introspection through', async () => {
    const introspection = await stack.query(`{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`);
    expect(introspection.errors).toBeUndefined();
  });

  it('refuses a request body over the limit with 413', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ city { code } }`, variables: { padding: 'x'.repeat(200_000) } }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('an operation name that picks no operation', () => {
  // GraphiQL can send the name of the tab run before with the document of the one run now; the
  // document's only operation must not be run (nor kept) in the name's place, and the caller
  // gets a 400 that says what to send, never a 500.
  const post = async (body: Record<string, unknown>, token: string | null) => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: { code: string } }> } };
  };

  it('is BAD_USER_INPUT (400) naming the operations, for a name the document lacks and for several operations without one', async () => {
    for (const token of [stack.adminToken, null]) {
      const wrong = await post({ query: 'query WhatIf { city { name } }', operationName: 'CityOverview' }, token);
      expect(wrong.status).toBe(400);
      expect(wrong.body.data).toBeUndefined();
      expect(wrong.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(wrong.body.errors?.[0]?.message).toMatch(/no operation named "CityOverview" \(it has "WhatIf"\)/);
      const several = await post({ query: 'query A { city { name } } query B { city { code } }' }, token);
      expect(several.status).toBe(400);
      expect(several.body.errors?.[0]?.message).toMatch(/2 operations \("A", "B"\)/);
    }
    // Named, each runs.
    const named = await post({ query: 'query A { city { name } } query B { city { code } }', operationName: 'B' }, stack.adminToken);
    expect(named.status).toBe(200);
    expect(named.body.data).toEqual({ city: { code: expect.any(String) } });
  });
});

describe('CSRF and CORS', () => {
  it('blocks a GET without a preflight-forcing header (CSRF prevention)', async () => {
    const response = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ city { code } }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('answers a preflight from a configured origin, and gives another origin no CORS headers', async () => {
    const allowed = await fetch(stack.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://dashboards.example.test', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dashboards.example.test');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await fetch(stack.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://elsewhere.example.test', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the supergraph and the audit trail', () => {
  it('shows which fields are personal, which types are household-level and which fields are counts', () => {
    const supergraph = parse(fs.readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8'));
    const rules = accessRules(supergraph);
    expect([...rules.personal]).toEqual(expect.arrayContaining(['Household.address', 'HouseholdMember.fullName', 'HouseholdMember.nationalId']));
    expect(rules.typeScopes.get('Household')).toBe('records:read');
    expect(rules.counts.has('PovertyFigures.poor')).toBe(true);
    expect(rules.mutationOwners.get('registerHousehold')).toBe('registry');
    const directives = supergraph.definitions.filter((d) => d.kind === Kind.DIRECTIVE_DEFINITION).map((d) => (d as any).name.value);
    expect(directives).toEqual(expect.arrayContaining(['personal', 'access', 'count']));
  });

  it('records a caseworker’s read of personal fields with the households read, for the administrator', async () => {
    const list = await stack.query(`{ households(first: 1) { edges { node { id commune { code } } } } }`);
    const { id, commune } = list.data.households.edges[0].node;
    const caseworker = await stack.token({ sub: 'officer-17', roles: ['caseworker'], communes: [commune.code] });
    const read = await postAs(caseworker, `query ReadFamily($id: ID!) { household(id: $id) { address members { fullName } } }`, { id });
    expect(read.errors).toBeUndefined();
    const trail = await stack.query(
      `query($id: ID!) { registryAuditTrail(filter: { householdId: $id, action: READ_PERSONAL }, first: 5) {
      edges { node { subject roles action operation fields householdIds requestId occurredAt } } } }`,
      { id },
    );
    expect(trail.errors).toBeUndefined();
    const event = trail.data.registryAuditTrail.edges.map((e: any) => e.node).find((n: any) => n.subject === 'officer-17');
    expect(event).toMatchObject({
      roles: ['caseworker'],
      action: 'READ_PERSONAL',
      operation: 'ReadFamily',
      fields: ['Household.address', 'HouseholdMember.fullName'],
      householdIds: [id],
    });
    expect(event.requestId).toEqual(expect.any(String));
  });

  async function postAs(token: string, query: string, variables: Record<string, unknown>) {
    return stack.query(query, variables, undefined, token);
  }
});
