import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestStack, TEST_AUTH_SECRET, type GraphQLResponse, type TestStack } from '../support/stack.js';

// Attacks on the surface every request meets: request limits (at the gateway and at each
// subgraph reached directly), what an error tells (stack traces, paths, raw database messages,
// status codes), tokens at their edges, the metrics page, and subgraphs that answer only the
// gateway (SUBGRAPH_REQUIRE_GATEWAY, as docker-compose and start:cluster set it).
process.env.PUBLIC_OPERATIONS = 'any';
process.env.SUBGRAPH_REQUIRE_GATEWAY = 'true';
process.env.METRICS_TOKEN = 'metrics-token-for-the-attack-suite';
delete process.env.NODE_ENV;
// Without NODE_ENV=test the servers would log every request; the logs are not what is tested here.
process.env.LOG_LEVEL = 'silent';

let stack: TestStack;
let analyst: string;
beforeAll(async () => {
  stack = await startTestStack();
  analyst = await stack.token({ roles: ['analyst'] });
});
afterAll(async () => {
  await stack?.close();
});

const codes = (r: GraphQLResponse) => (r.errors ?? []).map((e) => e.extensions?.code);

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; body: GraphQLResponse }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphQLResponse };
}

describe('request limits count every fragment spread where it is spread', () => {
  const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: code`).join(' ');
  const deep = (n: number) => `${'members { household { '.repeat(n)}id${' } }'.repeat(n)}`;
  const documents: Array<[string, string, string]> = [
    ['aliases', `query { city { ...A } c2: city { ...A } } fragment A on City { ${aliases} }`, 'aliases'],
    [
      'depth',
      `query { household(id: "1") { ...D } } fragment D on Household { members { household { ...E } } } fragment E on Household { ${deep(5)} }`,
      'depth',
    ],
    [
      'cost, spread into itself again and again (linear to measure, exponential to run)',
      `query { ...F9 } ${Array.from({ length: 9 }, (_, i) => `fragment F${i + 1} on Query { a${i}: city { code } ...F${i} ...F${i} }`).join(' ')} fragment F0 on Query { households(first: 100) { edges { node { members { id } } } } }`,
      'cost',
    ],
  ];

  it.each(documents)('at the gateway: %s', async (_name, query, limit) => {
    const r = await stack.query(query, undefined, undefined, analyst);
    expect(codes(r)).toEqual(['QUERY_LIMIT_EXCEEDED']);
    // The self-spreading document breaks more than one limit; any of them refuses it.
    expect(r.errors?.[0]?.extensions?.limit).toEqual(limit === 'cost' ? expect.stringMatching(/cost|aliases|depth/) : limit);
  });

  it('at each subgraph reached directly, too: 200 aliases, depth 18', async () => {
    const admin = stack.adminToken;
    const many = `{ ${Array.from({ length: 200 }, (_, i) => `c${i}: communes { code }`).join(' ')} }`;
    const r1 = await postGraphQL(stack.subgraphUrls.registry!, many, undefined, admin);
    expect(r1.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'aliases' });
    const r2 = await postGraphQL(stack.subgraphUrls.registry!, `{ household(id: "1") { ${deep(9)} } }`, undefined, admin);
    expect(r2.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'depth' });
  });
});

describe('subgraphs answer only the gateway (SUBGRAPH_REQUIRE_GATEWAY=true)', () => {
  it('refuse a caller that did not come through the gateway, with 403, whatever its token', async () => {
    for (const [name, url] of Object.entries(stack.subgraphUrls)) {
      for (const token of [null, analyst]) {
        const r = await post(url, { query: '{ __typename }' }, token ? { authorization: `Bearer ${token}` } : {});
        expect(r.status, name).toBe(403);
        expect(codes(r.body), name).toEqual(['FORBIDDEN']);
      }
    }
  });

  it('still answer the gateway, and the other subgraphs asking the registry (a programme write checks the household)', async () => {
    const r = await stack.query(`{ communes { code creditFigures(from: "2024-01-01", to: "2024-12-31") { loans } } }`, undefined, undefined, analyst);
    expect(r.errors).toBeUndefined();
    const household = await stack.query(`{ households(first: 1) { edges { node { members { id } } } } }`);
    const writer = await stack.token({ roles: ['employment-writer'] });
    const w = await stack.query(
      `mutation($p: ID!) { enrolInTraining(input: { personId: $p, course: "Sewing", level: ELEMENTARY, startedOn: "2024-03-01" }) { enrolment { id } } }`,
      { p: household.data.households.edges[0].node.members[0].id },
      undefined,
      writer,
    );
    // The registry was asked (the household was checked): the answer is the write, or a refusal of its input, never a 403.
    expect(codes(w)).not.toContain('FORBIDDEN');
    expect(JSON.stringify(w)).not.toMatch(/answers only the gateway/);
  });
});

describe('what an error tells', () => {
  const leaks =
    /stacktrace|\/work\/|node_modules|\.ts:\d+|at [A-Za-z.]+ \(|invalid byte sequence|date\/time field value out of range|date out of range|relation "|duplicate key|violates|SQLSTATE|ECONNREFUSED|127\.0\.0\.1:\d+/;

  it('no stack trace, path or raw database message in any answer (without NODE_ENV set)', async () => {
    const registryWriter = await stack.token({ roles: ['registry-writer'] });
    const household = (await stack.query(`{ households(first: 1) { edges { node { id } } } }`)).data.households.edges[0].node.id;
    const requests: Array<[string, unknown, Record<string, string>]> = [
      ['a bad token', { query: '{ __typename }' }, { authorization: 'Bearer not.a.token' }],
      ['an empty Authorization header', { query: '{ __typename }' }, { authorization: '' }],
      ['a syntax error', { query: '{ city { ' }, {}],
      ['an unknown field', { query: '{ city { nope } }' }, {}],
      [
        'a bad variable',
        { query: 'query($d: Date!) { city { povertyStatus(asOf: $d) { poor } } }', variables: { d: 'yesterday' } },
        { authorization: `Bearer ${analyst}` },
      ],
      [
        'a year out of range',
        { query: 'query($d: Date!) { city { povertyStatus(asOf: $d) { poor } } }', variables: { d: '0000-01-01' } },
        { authorization: `Bearer ${analyst}` },
      ],
      [
        'a NUL byte in text',
        {
          query: 'mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { household { id } } }',
          variables: {
            i: { communeCode: '00070', address: 'Số 1\u0000', members: [{ fullName: 'A\u0000B', birthYear: 1980, sex: 'MALE', relation: 'HEAD' }] },
          },
        },
        { authorization: `Bearer ${registryWriter}` },
      ],
      [
        'a review of a household in the year 0',
        {
          query: `mutation { recordPovertyReview(input: { householdId: "${household}", year: 2024, reviewDate: "0001-01-01", incomePerPersonMonthly: "1", indicators: [] }) { review { classification } } }`,
        },
        { authorization: `Bearer ${registryWriter}` },
      ],
      ['an unregistered operation without a token', { query: '{ city { name } }' }, {}],
    ];
    for (const [name, body, headers] of requests) {
      for (const url of [stack.gatewayUrl]) {
        const r = await post(url, body, headers);
        expect(r.text, name).not.toMatch(leaks);
        for (const error of r.body.errors ?? []) {
          const code = error.extensions?.code;
          // Either the caller's mistake, named, or ours with a request id to quote: never a raw message.
          if (code === 'INTERNAL_SERVER_ERROR') expect(error.extensions?.requestId, name).toEqual(expect.any(String));
          else expect(code, name).toEqual(expect.any(String));
        }
      }
    }
  });

  it('FORBIDDEN is HTTP 403 and UNAUTHENTICATED 401, at the gateway and at the subgraphs alike', async () => {
    const forbidden = await post(stack.gatewayUrl, { query: '{ registryAuditTrail { totalCount } }' }, { authorization: `Bearer ${analyst}` });
    expect([forbidden.status, codes(forbidden.body)]).toEqual([403, ['FORBIDDEN']]);
    const unauthenticated = await post(stack.gatewayUrl, { query: '{ household(id: "1") { id } }' }, {});
    expect([unauthenticated.status, codes(unauthenticated.body)]).toEqual([401, ['UNAUTHENTICATED']]);
    // At a subgraph, as an administrator (who may call it directly): a write of another kind is refused the same way.
    const writer = await stack.token({ roles: ['credit-writer'] });
    const direct = await post(stack.subgraphUrls.registry!, { query: '{ registryAuditTrail { totalCount } }' }, { authorization: `Bearer ${writer}` });
    expect(direct.status).toBe(403);
  });
});

describe('tokens at their edges', () => {
  const sign = (claims: Record<string, unknown>, alg: string, exp: boolean) => {
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setSubject('edge')
      .setIssuer('hanoi-poverty-graph')
      .setAudience('hanoi-poverty-graph')
      .setIssuedAt();
    if (exp) jwt = jwt.setExpirationTime('10m');
    return jwt.sign(new TextEncoder().encode(TEST_AUTH_SECRET));
  };
  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ['an empty Authorization header', async () => ({ authorization: '' })],
    ['a bare "Bearer"', async () => ({ authorization: 'Bearer' })],
    ['a Basic header', async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
    ['a token without exp', async () => ({ authorization: `Bearer ${await sign({ roles: ['administrator'] }, 'HS256', false)}` })],
    ['a token signed HS512 with the right secret', async () => ({ authorization: `Bearer ${await sign({ roles: ['administrator'] }, 'HS512', true)}` })],
    ['a token naming its role in a singular "role" claim', async () => ({ authorization: `Bearer ${await sign({ role: 'administrator' }, 'HS256', true)}` })],
    [
      'an unsigned token (alg none)',
      async () => ({
        authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["administrator"]}').toString('base64url')}.`,
      }),
    ],
  ];
  it.each(cases)('refuses %s with 401 at the gateway', async (_name, headers) => {
    const r = await post(stack.gatewayUrl, { query: '{ __typename }' }, await headers());
    expect(r.status).toBe(401);
    expect(codes(r.body)).toEqual(['UNAUTHENTICATED']);
    expect(r.body.data).toBeUndefined();
  });

  it('accepts a well-formed token (the cases above fail for the reason named, not by accident)', async () => {
    const r = await post(stack.gatewayUrl, { query: '{ __typename }' }, { authorization: `Bearer ${await sign({ roles: ['analyst'] }, 'HS256', true)}` });
    expect(r.status).toBe(200);
  });
});

describe('the metrics page', () => {
  it('answers only with METRICS_TOKEN when one is set', async () => {
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    for (const url of [`${base}/metrics`, stack.subgraphUrls.registry!.replace(/\/graphql$/, '/metrics')]) {
      expect((await fetch(url)).status, url).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${analyst}` } })).status, url).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${process.env.METRICS_TOKEN}` } });
      expect(ok.status, url).toBe(200);
      expect(await ok.text()).toMatch(/graphql_requests_total/);
    }
  });
});
