import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGateway } from '../gateway/gateway.js';
import type { RunningServer } from '../platform/http.js';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.js';

// Sharing is about reads of any document; callers without a token may send any here (the
// gateway's safelist for them is attacked in tests/attacks/catalogue.test.ts).
process.env.PUBLIC_OPERATIONS = 'any';

// The gateway sends identical read fetches that are in flight at the same moment once (see
// SubgraphDataSource). To make "at the same moment" certain rather than likely, a second
// gateway here calls the real subgraphs through gates: each gate holds every request that
// reaches it until the test opens it, which the test does only once every request of the
// batch has either reached the gate or joined a fetch already waiting there (the gateway's
// gateway_subgraph_fetches_shared_total). Without sharing, all of them reach the gate.

/** A pass-through to one subgraph that counts what reaches it and holds it until opened. */
class Gate {
  received: Array<{ body: string; authorization?: string; requestId?: string }> = [];
  private held: Array<() => void> = [];
  private open = true;
  readonly server: http.Server;

  constructor(private readonly target: string) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ body, authorization: req.headers.authorization, requestId: req.headers['x-request-id'] as string | undefined });
        const forward = async () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
          const answer = await fetch(this.target, { method: 'POST', headers, body });
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(await answer.text());
        };
        if (this.open) void forward();
        else this.held.push(() => void forward());
      });
    });
  }

  close() {
    this.open = true;
    this.release();
  }

  hold() {
    this.open = false;
  }

  release() {
    this.open = true;
    for (const go of this.held.splice(0)) go();
  }
}

let stack: TestStack;
let gateway: RunningServer;
const gates: Record<string, Gate> = {};

beforeAll(async () => {
  stack = await startTestStack();
  const urls: Record<string, string> = {};
  for (const [name, url] of Object.entries(stack.subgraphUrls)) {
    const gate = new Gate(url);
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    gates[name] = gate;
    urls[name] = `http://127.0.0.1:${(gate.server.address() as AddressInfo).port}/graphql`;
  }
  // Without the gateway's kept answers (kept-answers.ts), which would answer a repeated read
  // with no fetch at all: this file is about the fetches themselves.
  gateway = await serveGateway({ subgraphUrls: urls, port: 0, host: '127.0.0.1', auth: stack.auth, keepAnswers: false });
});

afterAll(async () => {
  await gateway?.close();
  for (const gate of Object.values(gates)) {
    gate.close();
    gate.server.closeAllConnections();
    await new Promise((resolve) => gate.server.close(resolve));
  }
  await stack?.close();
});

async function sharedSoFar(subgraph: string): Promise<number> {
  const text = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith('gateway_subgraph_fetches_shared_total{') && l.includes(`subgraph="${subgraph}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Sends the requests at once with every gate on their way closed; opens each subgraph's gate
 * (in plan order) when all `expected` fetches to it have arrived or joined one in flight, and
 * returns the answers.
 */
async function batch(requests: Array<{ query: string; variables?: Record<string, unknown>; token: string | null }>, plan: string[]) {
  for (const name of plan) gates[name]!.hold();
  const before = Object.fromEntries(
    await Promise.all(plan.map(async (n) => [n, { received: gates[n]!.received.length, shared: await sharedSoFar(n) }] as const)),
  );
  const answers = Promise.all(requests.map((r) => postGraphQL(gateway.url, r.query, r.variables, r.token)));
  for (const name of plan) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const arrived = gates[name]!.received.length - before[name]!.received + ((await sharedSoFar(name)) - before[name]!.shared);
      if (arrived >= requests.length) break;
      if (Date.now() > deadline) throw new Error(`only ${arrived} of ${requests.length} fetches to ${name} arrived`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    gates[name]!.release();
  }
  const result = await answers;
  const reached = Object.fromEntries(plan.map((n) => [n, gates[n]!.received.length - before[n]!.received]));
  return { answers: result, reached };
}

const FIGURES = `query Figures { communes { code povertyFigures(year: 2024) { poor nearPoor } creditFigures(from: "2024-01-01", to: "2024-12-31") { amountDisbursed } } }`;

describe('identical read fetches in flight at once', () => {
  it('are sent once, and each of ten requests gets the whole, equal answer', async () => {
    const alone = await postGraphQL(gateway.url, FIGURES, undefined, null);
    expect(alone.errors).toBeUndefined();
    expect(alone.data.communes.length).toBeGreaterThan(10);
    const { answers, reached } = await batch(
      Array.from({ length: 10 }, () => ({ query: FIGURES, token: null })),
      ['registry', 'credit'],
    );
    expect(reached).toEqual({ registry: 1, credit: 1 });
    for (const answer of answers) expect(answer).toEqual(alone);
    // Each request got its own copy: they are equal, not the same object graph reused.
    expect(new Set(answers.map((a) => a.data)).size).toBe(10);
  });

  it('are shared only between requests with the same token', async () => {
    const analyst = await stack.token({ roles: ['analyst'] });
    const requests = [
      ...Array.from({ length: 4 }, () => ({ query: FIGURES, token: stack.adminToken })),
      ...Array.from({ length: 4 }, () => ({ query: FIGURES, token: analyst })),
    ];
    const { answers, reached } = await batch(requests, ['registry', 'credit']);
    expect(reached).toEqual({ registry: 2, credit: 2 });
    const authorizations = gates
      .registry!.received.slice(-2)
      .map((r) => r.authorization)
      .sort();
    expect(authorizations).toEqual([`Bearer ${analyst}`, `Bearer ${stack.adminToken}`].sort());
    for (const answer of answers) expect(answer.errors).toBeUndefined();
  });

  it('are not joined by a read that arrives after a write was answered: it fetches anew', async () => {
    // A read waits at the registry's gate; a write to housing is answered meanwhile; an
    // identical read sent after that answer must not take the first read's older fetch.
    gates.registry!.hold();
    const before = gates.registry!.received.length;
    const first = postGraphQL(gateway.url, FIGURES, undefined, null);
    while (gates.registry!.received.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    const write = await postGraphQL(
      gateway.url,
      `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id } } }`,
      { input: { donorKind: 'INDIVIDUAL', donorName: 'Sharing test donor', amount: '1000000', contributionDate: '2025-12-10', communeCode: '00070' } },
      stack.adminToken,
    );
    expect(write.errors).toBeUndefined();
    const sharedBefore = await sharedSoFar('registry');
    const second = postGraphQL(gateway.url, FIGURES, undefined, null);
    const deadline = Date.now() + 30_000;
    while (gates.registry!.received.length - before < 2 && (await sharedSoFar('registry')) === sharedBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    gates.registry!.release();
    const answers = await Promise.all([first, second]);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(gates.registry!.received.length - before).toBe(2);
    expect(await sharedSoFar('registry')).toBe(sharedBefore);
  });

  it('are not kept once answered: a later identical request fetches again', async () => {
    const before = gates.registry!.received.length;
    await postGraphQL(gateway.url, FIGURES, undefined, null);
    await postGraphQL(gateway.url, FIGURES, undefined, null);
    expect(gates.registry!.received.length - before).toBe(2);
  });
});

describe('requests that never share', () => {
  it('reads of personal fields: each is sent, and each is in the audit trail', async () => {
    const list = await stack.query(`{ households(first: 1) { edges { node { id commune { code } } } } }`);
    const { id, commune } = list.data.households.edges[0].node;
    const caseworker = await stack.token({ sub: 'officer-sharing', roles: ['caseworker'], communes: [commune.code] });
    const READ = `query ReadFamily($id: ID!) { household(id: $id) { address } }`;
    const { answers, reached } = await batch(
      Array.from({ length: 3 }, () => ({ query: READ, variables: { id }, token: caseworker })),
      ['registry'],
    );
    expect(reached).toEqual({ registry: 3 });
    for (const answer of answers) expect(answer.data.household.address).toEqual(expect.any(String));
    const trail = await stack.query(
      `query($id: ID!) { registryAuditTrail(filter: { householdId: $id, action: READ_PERSONAL }, first: 20) { edges { node { subject requestId } } } }`,
      { id },
    );
    const events = trail.data.registryAuditTrail.edges.map((e: any) => e.node).filter((n: any) => n.subject === 'officer-sharing');
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e: any) => e.requestId)).size).toBe(3);
  });

  it('mutations: each is sent (and refused input changes nothing)', async () => {
    const WRITE = `mutation { registerHousehold(input: { communeCode: "99999", address: "Y", members: [{ fullName: "X", birthYear: 1980, sex: MALE, relation: HEAD }] }) { household { id } } }`;
    const { answers, reached } = await batch(
      Array.from({ length: 2 }, () => ({ query: WRITE, token: stack.adminToken })),
      ['registry'],
    );
    expect(reached).toEqual({ registry: 2 });
    for (const answer of answers) expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
