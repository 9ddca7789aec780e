import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGateway } from '../gateway/gateway.js';
import type { RunningServer } from '../platform/http.js';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.js';

// A personal field is read from its subgraph once per request (gateway/personal-once.ts): the
// household view's entity fetches back to the registry for the names of the members that
// social insurance and employment point to are answered from the names the registry gave in
// the request's first fetch. Two gateways over the same subgraphs, one with it and one
// without; the registry behind a pass-through that counts the fetches reaching it.

const HOUSEHOLD_VIEW = fs.readFileSync(new URL('../schema/operations/household-360.graphql', import.meta.url), 'utf8');

/** Forwards every request to the registry and keeps the bodies that reached it. */
class Counter {
  received: string[] = [];
  readonly server: http.Server;
  constructor(target: string) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push(body);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        void fetch(target, { method: 'POST', headers, body }).then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(await answer.text());
        });
      });
    });
  }
}

let stack: TestStack;
let counter: Counter;
let once: RunningServer;
let every: RunningServer;
/** Households of the demo data whose view points back at members from both programmes. */
let households: Array<{ id: string; commune: string }>;

beforeAll(async () => {
  stack = await startTestStack();
  counter = new Counter(stack.subgraphUrls.registry!);
  await new Promise<void>((resolve) => counter.server.listen(0, '127.0.0.1', resolve));
  const urls = { ...stack.subgraphUrls, registry: `http://127.0.0.1:${(counter.server.address() as AddressInfo).port}/graphql` };
  once = await serveGateway({ subgraphUrls: urls, port: 0, host: '127.0.0.1', auth: stack.auth, personalReadOnce: true });
  every = await serveGateway({ subgraphUrls: urls, port: 0, host: '127.0.0.1', auth: stack.auth, personalReadOnce: false });
  households = [];
  for (let id = 1; id <= 400 && households.length < 4; id++) {
    const { data } = await stack.query(
      `query($id: ID!) { household(id: $id) { id commune { code } socialSupport { healthInsuranceCards { year } } employment { placements { placedOn } trainingEnrolments { course } } } }`,
      { id: String(id) },
    );
    const h = data?.household;
    if (h?.socialSupport?.healthInsuranceCards?.length && (h.employment?.placements?.length || h.employment?.trainingEnrolments?.length))
      households.push({ id: h.id, commune: h.commune.code });
  }
}, 120_000);

afterAll(async () => {
  await once?.close();
  await every?.close();
  counter?.server.closeAllConnections();
  await new Promise((resolve) => counter?.server.close(resolve));
  await stack?.close();
});

/** The household view through one gateway, and the registry fetches it made. */
async function view(gateway: RunningServer, id: string, token: string | null) {
  const before = counter.received.length;
  const answer = await postGraphQL(gateway.url, HOUSEHOLD_VIEW, { id }, token);
  return { answer, fetches: counter.received.slice(before) };
}

/** The fields of the personal reads the registry's audit trail holds for a household, by one caller. */
async function personalReads(household: string, subject: string) {
  const { rows } = await sql<{ fields: string[] }>`
    SELECT fields FROM audit_event
    WHERE action = 'read_personal' AND subject = ${subject} AND ${BigInt(household)} = ANY(household_ids)`.execute(stack.databases.kysely<any>('registry'));
  return rows;
}

describe('a personal field read once per request', () => {
  it('found households whose view points back at their members from social insurance and employment', () => {
    expect(households.length).toBeGreaterThanOrEqual(2);
  });

  it('answers the household view the same, with one registry fetch instead of three or four, for an administrator', async () => {
    for (const { id } of households) {
      const a = await view(once, id, stack.adminToken);
      const b = await view(every, id, stack.adminToken);
      expect(a.answer.errors).toBeUndefined();
      expect(a.answer).toEqual(b.answer);
      // Without: the household, then the members behind the cards, the placements or the courses.
      expect(b.fetches.length).toBeGreaterThanOrEqual(2);
      expect(a.fetches).toHaveLength(1);
      expect(a.fetches[0]).toContain('household(');
    }
  });

  it('answers the same for a caseworker of the household’s commune, and refuses the same for one of another commune', async () => {
    const { id, commune } = households[0]!;
    const own = await stack.token({ sub: 'cw-own', roles: ['caseworker'], communes: [commune] });
    const a = await view(once, id, own);
    const b = await view(every, id, own);
    expect(a.answer.errors).toBeUndefined();
    expect(a.answer).toEqual(b.answer);
    expect(a.fetches.length).toBeLessThan(b.fetches.length);

    const other = households.find((h) => h.commune !== commune)?.commune ?? (commune === '00001' ? '00004' : '00001');
    const elsewhere = await stack.token({ sub: 'cw-elsewhere', roles: ['caseworker'], communes: [other] });
    const c = await view(once, id, elsewhere);
    const d = await view(every, id, elsewhere);
    // Not in the caseworker's communes: no such household for them, through either gateway.
    expect(c.answer).toEqual({ data: { household: null } });
    expect(c.answer).toEqual(d.answer);
  });

  it('leaves the audit trail holding the same reads: who, which fields, which household', async () => {
    const { id } = households[1]!;
    const kinds = async (gateway: RunningServer, subject: string) => {
      const token = await stack.token({ sub: subject, roles: ['administrator'] });
      await view(gateway, id, token);
      return new Set((await personalReads(id, subject)).flatMap((r) => r.fields));
    };
    const withOnce = await kinds(once, 'audit-once');
    const withEvery = await kinds(every, 'audit-every');
    expect(withOnce.has('HouseholdMember.fullName')).toBe(true);
    expect([...withOnce].sort()).toEqual([...withEvery].sort());
  });

  it('asks again for a field that is not personal, even of a member already read', async () => {
    const query = `query($id: ID!) { household(id: $id) { members { id birthYear } socialSupport { healthInsuranceCards { member { birthYear } } } } }`;
    const { id } = households[0]!;
    const before = counter.received.length;
    const a = await postGraphQL(once.url, query, { id }, stack.adminToken);
    expect(a.errors).toBeUndefined();
    expect(a).toEqual(await postGraphQL(every.url, query, { id }, stack.adminToken));
    expect(counter.received.length - before).toBe(4);
  });

  it('still asks for personal fields of entities the request has not read', async () => {
    // Members reached only through social insurance: the registry's first fetch reads no names.
    const query = `query($id: ID!) { household(id: $id) { id socialSupport { healthInsuranceCards { member { fullName } } } } }`;
    const { id } = households[0]!;
    const before = counter.received.length;
    const a = await postGraphQL(once.url, query, { id }, stack.adminToken);
    const b = await postGraphQL(every.url, query, { id }, stack.adminToken);
    expect(a.errors).toBeUndefined();
    expect(a).toEqual(b);
    // Each gateway: the household, then the cards' members.
    expect(counter.received.length - before).toBe(4);
  });
});
