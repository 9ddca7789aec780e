import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestStack, TEST_AUTH_SECRET, type GraphQLResponse, type TestStack } from './support/stack.js';
import { ROLES, type AccessCase, type CaseContext, type Fixture, type Role } from './access/types.js';

// The access matrix: every case of tests/access/<subgraph>.ts, as every role, through the
// gateway and directly against the subgraph that owns it. Each cell asserts allowed or denied
// (with its code), and a denied write is shown to have written nothing.
//
// The matrix is about scopes, so callers without a token may send any document here; the
// gateway's safelist for them (registered operations only) is attacked in
// tests/attacks/catalogue.test.ts.
process.env.PUBLIC_OPERATIONS = 'any';

// Each department keeps its cells of the matrix in its own folder (subgraphs/<name>/tests/access.ts);
// tests/access/ holds the helpers they share.
const SUBGRAPHS = new URL('../subgraphs/', import.meta.url);
const caseFiles = fs
  .readdirSync(SUBGRAPHS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(new URL(`${e.name}/tests/access.ts`, SUBGRAPHS)))
  .map((e) => `${e.name}/tests/access.ts`)
  .sort();
const suites: Array<{ file: string; cases: AccessCase[] }> = [];
for (const file of caseFiles) {
  const module = (await import(new URL(file, SUBGRAPHS).href)) as { cases: AccessCase[] };
  suites.push({ file, cases: module.cases });
}

let stack: TestStack;
let fx: Fixture;
const tokens = new Map<string, string>();
let cells = 0;

beforeAll(async () => {
  stack = await startTestStack();
  // A demo household with records in every programme (the demo seeds overlap on purpose).
  const list = await stack.query(`{ households(first: 100) { edges { node { id commune { code } members { id }
    loans { id } housingSupport { id } socialSupport { healthInsuranceCards { id } }
    employment { placements { id } trainingEnrolments { id } } livelihoodSupport { id } } } } }`);
  expect(list.errors).toBeUndefined();
  const node = list.data.households.edges
    .map((e: any) => e.node)
    .find(
      (n: any) =>
        n.loans.length &&
        n.housingSupport.length &&
        n.socialSupport.healthInsuranceCards.length &&
        n.employment.placements.length + n.employment.trainingEnrolments.length &&
        n.livelihoodSupport.length,
    );
  expect(node).toBeDefined();
  const communes = await stack.query(`{ communes { code } }`);
  fx = {
    household: { id: node.id, communeCode: node.commune.code, memberIds: node.members.map((m: any) => m.id) },
    otherCommune: communes.data.communes.map((c: any) => c.code).find((c: string) => c !== node.commune.code),
  };
});

afterAll(async () => {
  await stack?.close();
  console.log(`access matrix: ${cells} cells played`);
});

async function tokenFor(role: Role, subgraph: string): Promise<string | null> {
  const key = role === 'ownWriter' || role === 'otherWriter' ? `${role}:${subgraph}` : role;
  if (role === 'public') return null;
  let token = tokens.get(key);
  if (!token) {
    const claims =
      role === 'caseworker'
        ? { roles: ['caseworker'], communes: [fx.household.communeCode] }
        : role === 'caseworkerElsewhere'
          ? { roles: ['caseworker'], communes: [fx.otherCommune] }
          : role === 'ownWriter'
            ? { roles: [`${subgraph}-writer`] }
            : role === 'otherWriter'
              ? { roles: [subgraph === 'registry' ? 'credit-writer' : 'registry-writer'] }
              : { roles: [role] };
    token = await stack.token({ sub: `matrix-${key}`, ...claims });
    tokens.set(key, token);
  }
  return token;
}

async function admin(query: string, variables?: Record<string, unknown>): Promise<any> {
  const r = await stack.query(query, variables);
  expect(r.errors, `administrator query failed: ${query}`).toBeUndefined();
  return r.data;
}

function codes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((e) => String(e.extensions?.code));
}

async function playCell(c: AccessCase, via: 'gateway' | 'direct', role: Role): Promise<void> {
  const ctx: CaseContext = { fx, role, via, admin };
  const expected = c.expect[role];
  const label = `${c.name} · ${via} · ${role} (expected ${expected})`;
  const url = via === 'gateway' ? stack.gatewayUrl : stack.subgraphUrls[c.subgraph];
  expect(url, `no subgraph ${c.subgraph}`).toBeDefined();
  const query = via === 'direct' ? (c.directQuery ?? c.query) : c.query;
  const variables = (await c.variables?.(ctx)) ?? {};
  const denied = expected === 'UNAUTHENTICATED' || expected === 'FORBIDDEN' || expected === 'BAD_USER_INPUT';
  const probe = denied && c.unchangedProbe ? await admin(c.unchangedProbe.query, c.unchangedProbe.variables?.(fx)) : undefined;
  const response = await postGraphQL(url!, query, variables, await tokenFor(role, c.subgraph));
  cells++;
  if (denied) {
    expect(codes(response), label).toContain(expected);
    if (probe !== undefined)
      expect(await admin(c.unchangedProbe!.query, c.unchangedProbe!.variables?.(fx)), `${label}: the denied write changed something`).toEqual(probe);
  } else if (expected === 'hidden') {
    expect(response.errors, label).toBeUndefined();
    const roots = Object.values(response.data ?? {});
    expect(roots.length, label).toBeGreaterThan(0);
    expect(
      roots.every((v) => v === null || (Array.isArray(v) && v.every((x) => x === null))),
      `${label}: ${JSON.stringify(response.data)}`,
    ).toBe(true);
  } else {
    expect(response.errors, label).toBeUndefined();
    expect(response.data, label).toBeTruthy();
    c.check?.(response.data, ctx);
  }
}

for (const { file, cases } of suites) {
  describe(`access matrix: ${file}`, () => {
    for (const c of cases) {
      const sides = c.via === 'gateway' ? (['gateway'] as const) : c.via === 'direct' ? (['direct'] as const) : (['gateway', 'direct'] as const);
      for (const via of sides) {
        it(`${c.name} (${via})`, async () => {
          for (const role of ROLES) await playCell(c, via, role);
        });
      }
    }
  });
}

describe('tokens that are not accepted', () => {
  const bad: Array<[string, () => Promise<string>]> = [
    ['an expired token', () => stack.auth.mint({ sub: 'late', roles: ['administrator'] }, { expiresInSeconds: -120 })],
    ['a token signed with another key', () => stack.auth.mint({ sub: 'forger', roles: ['administrator'] }, { secret: `${TEST_AUTH_SECRET}-but-not-quite` })],
    ['a role the policy does not know', () => stack.auth.mint({ sub: 'who', roles: ['superuser'] })],
    ['a caseworker token naming no communes', () => stack.auth.mint({ sub: 'cw', roles: ['caseworker'] })],
    ['something that is not a token', async () => 'not-a-jwt'],
  ];
  for (const [name, make] of bad) {
    it(`refuses ${name} at the gateway and at every subgraph, with 401 and no data`, async () => {
      const token = await make();
      for (const url of [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        const body = (await response.json()) as GraphQLResponse;
        expect(response.status, url).toBe(401);
        expect(codes(body), url).toEqual(['UNAUTHENTICATED']);
        expect(body.data, url).toBeUndefined();
        cells++;
      }
    });
  }

  it('refuses an Authorization header that is not a bearer token', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWRtaW46YWRtaW4=' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(401);
  });
});
