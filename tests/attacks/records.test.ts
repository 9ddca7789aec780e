import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.js';

// Attacks on household-level records, as the public and as a caseworker: what a list's metadata
// tells (counts, cursors, list lengths, __typename), and what a refusal tells (oracles). A
// caseworker asking for a record outside the token's communes must learn exactly what it learns
// for a record that does not exist; a refused registration must not look a person up.
process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
let inside: { id: string; commune: string };
let outside: { id: string; commune: string };
let caseworker: string;
const MISSING = '987654321';

beforeAll(async () => {
  stack = await startTestStack();
  const list = await stack.query(`{ households(first: 100) { edges { node { id commune { code } } } } }`);
  const nodes = list.data.households.edges.map((e: any) => ({ id: e.node.id, commune: e.node.commune.code }));
  inside = nodes[0];
  outside = nodes.find((n: any) => n.commune !== inside.commune);
  caseworker = await stack.token({ sub: 'officer-9', roles: ['caseworker'], communes: [inside.commune] });
});
afterAll(async () => {
  await stack?.close();
});

const codes = (r: GraphQLResponse) => (r.errors ?? []).map((e) => e.extensions?.code);

describe('list metadata', () => {
  const probes = [
    `{ households(filter: { classification: POOR, year: 2022 }, first: 100) { totalCount } }`,
    `{ households(first: 100) { pageInfo { endCursor hasNextPage } } }`,
    `{ households(first: 100) { edges { __typename } } }`,
    `{ commune(code: "00328") { households(filter: { classification: POOR, year: 2022 }, first: 100) { totalCount edges { __typename } pageInfo { endCursor } } } }`,
    `{ jobFairs(year: 2024) { hires placements { __typename } } }`,
    `{ household(id: "1") { __typename } }`,
    `query { ...F } fragment F on Query { households(first: 5) { totalCount } }`,
  ];

  it.each(probes)('gives the public nothing of a list of records, through the gateway: %s', async (query) => {
    const r = await stack.query(query, undefined, undefined, null);
    expect(codes(r)).toContain('UNAUTHENTICATED');
    expect(r.data ?? null).toBeNull();
  });

  it('gives the public nothing of a list of records at the subgraph either, nor a record by _entities', async () => {
    const direct = [
      [stack.subgraphUrls.registry!, `{ households(first: 100) { totalCount pageInfo { endCursor } } }`],
      [stack.subgraphUrls.registry!, `{ _entities(representations: [{ __typename: "Household", id: "1" }]) { __typename } }`],
      [stack.subgraphUrls.employment!, `{ jobFairs(year: 2024) { placements { __typename } } }`],
    ] as const;
    for (const [url, query] of direct) {
      const r = await postGraphQL(url, query, undefined, null);
      expect(codes(r), query).toContain('UNAUTHENTICATED');
      expect(r.data ?? null, query).toBeNull();
    }
  });

  it('lets the public have __typename beside an entity fetch of public types only (as Hive Gateway asks), judged by the representations sent', async () => {
    const registry = stack.subgraphUrls.registry!;
    const communes = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Commune { code } } }`;
    const ok = await postGraphQL(registry, communes, { r: [{ __typename: 'Commune', code: '00328' }] }, null);
    expect(ok.errors).toBeUndefined();
    expect(ok.data._entities).toEqual([{ __typename: 'Commune', code: '00328' }]);
    const literal = await postGraphQL(registry, `{ _entities(representations: [{ __typename: "Commune", code: "00328" }]) { __typename } }`, undefined, null);
    expect(literal.errors).toBeUndefined();
    // A record among the representations, a representation without a readable type, or the
    // union's __typename in a named fragment (visited apart from any representations): refused.
    const refused: Array<[string, Record<string, unknown> | undefined]> = [
      [
        communes,
        {
          r: [
            { __typename: 'Commune', code: '00328' },
            { __typename: 'Household', id: '1' },
          ],
        },
      ],
      [communes, { r: [{ __typename: 'Commune', code: '00328' }, { id: '1' }] }],
      [
        `query($r: [_Any!]!, $c: [_Any!]!) { a: _entities(representations: $r) { ...T } b: _entities(representations: $c) { __typename } } fragment T on _Entity { __typename }`,
        { r: [{ __typename: 'Household', id: '1' }], c: [{ __typename: 'Commune', code: '00328' }] },
      ],
    ];
    for (const [query, variables] of refused) {
      const r = await postGraphQL(registry, query, variables, null);
      expect(codes(r), JSON.stringify(variables)).toContain('UNAUTHENTICATED');
      expect(r.data ?? null).toBeNull();
    }
  });

  it('shows a caseworker a list whose count and pages agree with its communes only', async () => {
    const r = await stack.query(
      `{ households(first: 100) { totalCount edges { node { commune { code } } } pageInfo { hasNextPage } } }`,
      undefined,
      undefined,
      caseworker,
    );
    expect(r.errors).toBeUndefined();
    const communes = new Set(r.data.households.edges.map((e: any) => e.node.commune.code));
    expect([...communes]).toEqual([inside.commune]);
    expect(r.data.households.totalCount).toBe(r.data.households.edges.length);
  });

  it('hands out cursors that name nothing and cannot be forged or altered', async () => {
    const page = await stack.query(`{ households(first: 2) { edges { cursor node { id } } pageInfo { endCursor } } }`);
    const { endCursor } = page.data.households.pageInfo;
    const decoded = Buffer.from(endCursor, 'base64url').toString('latin1');
    expect(decoded).not.toMatch(/household/);
    expect(decoded).not.toContain(page.data.households.edges[1].node.id + '\u0000');
    // The old form of a cursor ("household:50" in base64) and an altered real one are refused.
    const forged = Buffer.from('household:50').toString('base64url');
    const altered = endCursor.slice(0, -2) + (endCursor.endsWith('AA') ? 'AB' : 'AA');
    for (const after of [forged, altered]) {
      const r = await stack.query(`query($after: String) { households(first: 2, after: $after) { totalCount } }`, { after });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    const next = await stack.query(`query($after: String) { households(first: 2, after: $after) { edges { node { id } } } }`, { after: endCursor });
    expect(next.errors).toBeUndefined();
    expect(Number(next.data.households.edges[0].node.id)).toBeGreaterThan(Number(page.data.households.edges[1].node.id));
  });
});

describe('oracles', () => {
  /** The response with the one id replaced, so that two answers can be compared as wholes. */
  const shape = (r: GraphQLResponse, id: string) => JSON.stringify(r).split(id).join('<id>');

  const byId: Array<[string, (id: string) => string]> = [
    ['household', (id) => `{ household(id: "${id}") { id address } }`],
    ['household, across every department', (id) => `{ household(id: "${id}") { id loans { id } housingSupport { id } employment { placements { id } } } }`],
    ['set of households in a coverage check', (id) => `{ healthInsuranceCoverage(householdIds: ["${id}"], date: "2024-06-30") { household { id } } }`],
  ];

  it.each(byId)('answers a caseworker the same for a %s outside its communes as for one that does not exist', async (_name, query) => {
    const out = await stack.query(query(outside.id), undefined, undefined, caseworker);
    const missing = await stack.query(query(MISSING), undefined, undefined, caseworker);
    expect(shape(out, outside.id)).toBe(shape(missing, MISSING));
    expect(JSON.stringify(out)).not.toContain(outside.commune);
  });

  it('answers the record of another programme by id the same way, whatever its id names', async () => {
    // The programme records of the outside household: each asked for by its own id.
    const records = await stack.query(
      `query($id: ID!) { household(id: $id) { loans { id } housingSupport { id } employment { placements { id } trainingEnrolments { id } } } }`,
      { id: outside.id },
    );
    const pairs: Array<[string, string | undefined]> = [
      ['loan', records.data.household.loans[0]?.id],
      ['housingCase', records.data.household.housingSupport[0]?.id],
      ['jobPlacement', records.data.household.employment.placements[0]?.id],
      ['trainingEnrolment', records.data.household.employment.trainingEnrolments[0]?.id],
    ];
    let compared = 0;
    for (const [field, id] of pairs) {
      if (!id) continue;
      const out = await stack.query(`{ ${field}(id: "${id}") { id } }`, undefined, undefined, caseworker);
      const missing = await stack.query(`{ ${field}(id: "${MISSING}") { id } }`, undefined, undefined, caseworker);
      expect(shape(out, id), field).toBe(shape(missing, MISSING));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('refuses a registration whose national ID is taken without saying whose it is, and audits the attempt', async () => {
    const members = await stack.query(`query($id: ID!) { household(id: $id) { members { nationalId } } }`, { id: outside.id });
    const taken = members.data.household.members.map((m: any) => m.nationalId).find(Boolean);
    expect(taken).toBeTruthy();
    const writer = await stack.token({ sub: 'clerk-3', roles: ['registry-writer'] });
    const r = await stack.query(
      `mutation Probe($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { household { id } } }`,
      {
        input: {
          communeCode: inside.commune,
          address: 'Số 1, ngõ 2',
          members: [{ fullName: 'Nguyễn Văn A', birthYear: 1980, sex: 'MALE', relation: 'HEAD', nationalId: taken }],
        },
      },
      undefined,
      writer,
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(r.errors?.[0]?.message).not.toMatch(new RegExp(`\\b${outside.id}\\b`));
    const trail = await stack.query(
      `{ registryAuditTrail(filter: { action: REFUSED, subject: "clerk-3" }, first: 5) { edges { node { subject roles operation fields errorCode requestId } } } }`,
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data.registryAuditTrail.edges.map((e: any) => e.node)).toContainEqual(
      expect.objectContaining({
        subject: 'clerk-3',
        roles: ['registry-writer'],
        operation: 'Probe',
        fields: ['registerHousehold'],
        errorCode: 'BAD_USER_INPUT',
        requestId: expect.any(String),
      }),
    );
  });

  it("keeps the server's own request id in the audit trail, with the caller's beside it", async () => {
    const writer = await stack.token({ sub: 'clerk-4', roles: ['registry-writer'] });
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writer}`, 'x-request-id': 'chosen-by-the-caller' },
      body: JSON.stringify({ query: `mutation Bad { registerHousehold(input: { communeCode: "99999", address: "x", members: [] }) { household { id } } }` }),
    });
    const ours = response.headers.get('x-request-id');
    expect(ours).toBeTruthy();
    expect(ours).not.toBe('chosen-by-the-caller');
    const trail = await stack.query(
      `{ registryAuditTrail(filter: { action: REFUSED, subject: "clerk-4" }, first: 5) { edges { node { requestId callerRequestId errorCode } } } }`,
    );
    expect(trail.data.registryAuditTrail.edges[0].node).toEqual({ requestId: ours, callerRequestId: 'chosen-by-the-caller', errorCode: 'BAD_USER_INPUT' });
  });
});
