import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../platform/http.js';
import { gatewayBehindProxy, type FaultProxy } from '../support/fault-proxy.js';
import { postGraphQL, startTestStack, type TestStack } from '../support/stack.js';

// One department down is one department missing (issue 15). The graph runs as usual; a second
// gateway reaches credit through a fault proxy that can hang it (a stopped process), reset its
// connections (a dying one) or stop listening (a dead one), with short timeouts so that the
// suite stays quick. Each test states what the caller sees: the other departments' fields,
// an error naming credit and the path, and an answer within the configured bounds.

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
const SUBGRAPH_TIMEOUT_MS = 1500;
const REQUEST_DEADLINE_MS = 2500;
const CIRCUIT_COOLDOWN_MS = 1000;

// The serving sessions' lock timeout, short here (default 5 s) so that a lock fails a request
// well before the gateway's own timeout would.
process.env.DB_LOCK_TIMEOUT_MS = '400';
// Kept answers are served under a subgraph's lease on its figure version without asking it
// (README, Kept answers), so for up to a lease after a department stops its kept figures are
// still served, exact. Each test here starts once the healthy read's lease is over; the last
// test below shows the lease itself.
const LEASE_MS = 50;
process.env.FIGURE_LEASE_MS = String(LEASE_MS);

let stack: TestStack;
let proxy: FaultProxy;
let gateway: RunningServer;
let behind: Awaited<ReturnType<typeof gatewayBehindProxy>> | undefined;
let analyst: string;

const SCORECARD = `query Scorecard($from: Date!, $to: Date!, $year: Int!) { commune(code: "00070") {
  code name
  povertyFigures(year: $year) { reviewedHouseholds }
  creditFigures(from: $from, to: $to) { loans }
  housingFigures(from: $from, to: $to) { housesCompleted }
  employmentFigures(year: $year) { placements }
} }`;
const VARS = { from: '2022-01-01', to: '2024-12-31', year: 2024 };

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

const ask = (query: string, variables?: Record<string, unknown>, token: string | null = analyst) => postGraphQL(gateway.url, query, variables, token);

beforeAll(async () => {
  stack = await startTestStack({ logDestination: quiet });
  analyst = await stack.token({ roles: ['analyst'] });
  behind = await gatewayBehindProxy(stack, 'credit', {
    logDestination: quiet,
    resilience: { subgraphTimeoutMs: SUBGRAPH_TIMEOUT_MS, requestDeadlineMs: REQUEST_DEADLINE_MS, circuitFailures: 3, circuitCooldownMs: CIRCUIT_COOLDOWN_MS },
  });
  ({ proxy, gateway } = behind);
});

afterAll(async () => {
  await behind?.close();
  await stack?.close();
});

beforeEach(async () => {
  // Each test starts with credit healthy and its circuit closed.
  await proxy.up();
  proxy.set('pass');
  await new Promise((r) => setTimeout(r, CIRCUIT_COOLDOWN_MS + 100));
  const healthy = await ask(SCORECARD, VARS);
  expect(healthy.errors).toBeUndefined();
  // Any lease that read asked for (or renewed) has run out.
  await new Promise((r) => setTimeout(r, 2 * LEASE_MS));
});

describe('a department stopped (hung) while others query', () => {
  it('answers the other departments and names credit and the path, within the subgraph timeout', async () => {
    proxy.set('hang');
    const { result, ms } = await timed(() => ask(SCORECARD, VARS));
    const commune = result.data.commune;
    expect(commune.creditFigures).toBeNull();
    expect(commune.povertyFigures.reviewedHouseholds).toEqual(expect.any(Number));
    expect(commune.housingFigures).not.toBeNull();
    expect(commune.employmentFigures).not.toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['commune', 'creditFigures'], extensions: expect.objectContaining({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'credit' }) }),
    ]);
    expect(JSON.stringify(result.errors)).not.toMatch(/127\.0\.0\.1|stack|fetch failed/);
    // Bounded by the subgraph timeout (plus the other fetches), far below Node's 300 s default.
    expect(ms).toBeLessThan(REQUEST_DEADLINE_MS + 1000);
  });

  it('opens the circuit after repeated failures, answering at once, and closes it by itself', async () => {
    proxy.set('hang');
    for (let i = 0; i < 3; i++) await ask(SCORECARD, VARS);
    const open = await timed(() => ask(SCORECARD, VARS));
    expect(open.result.data.commune.housingFigures).not.toBeNull();
    expect(open.result.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'credit' });
    expect(open.result.errors?.[0]?.message).toMatch(/checked again every/);
    // Credit is not even asked: no waiting for its timeout.
    expect(open.ms).toBeLessThan(SUBGRAPH_TIMEOUT_MS);

    proxy.set('pass');
    await new Promise((r) => setTimeout(r, CIRCUIT_COOLDOWN_MS + 100));
    const recovered = await ask(SCORECARD, VARS);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data.commune.creditFigures.loans).toEqual(expect.any(Number));
  });

  it('keeps every request within the request deadline, even when several fetches wait in turn', async () => {
    proxy.set('hang');
    // A household page: registry first, then credit for loans, so the deadline, not each
    // fetch's own timeout, is what bounds the whole.
    const { result, ms } = await timed(() =>
      ask(
        `{ city { name creditFigures(from: "2022-01-01", to: "2024-12-31") { loans } housingFigures(from: "2022-01-01", to: "2024-12-31") { housesCompleted } } }`,
      ),
    );
    expect(result.data.city.name).toBeTruthy();
    expect(result.data.city.creditFigures).toBeNull();
    expect(result.data.city.housingFigures).not.toBeNull();
    expect(ms).toBeLessThan(REQUEST_DEADLINE_MS + 1000);
  });

  it('/ready says credit timed out, in about its own timeout, while /health stays up', async () => {
    proxy.set('hang');
    const { result, ms } = await timed(() => fetch(new URL('/ready', gateway.url)));
    expect(result.status).toBe(503);
    const body = (await result.json()) as { checks: Record<string, string> };
    expect(body.checks.credit).toMatch(/timed out/);
    expect(body.checks.housing).toBe('ok');
    expect(ms).toBeLessThan(4000);
    expect((await fetch(new URL('/health', gateway.url))).status).toBe(200);
  });
});

describe('a department killed', () => {
  it('answers the rest with SUBGRAPH_UNAVAILABLE for credit when connections are refused', async () => {
    await proxy.down();
    const result = await ask(SCORECARD, VARS);
    expect(result.data.commune.creditFigures).toBeNull();
    expect(result.data.commune.housingFigures).not.toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['commune', 'creditFigures'],
        extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'credit' }),
      }),
    ]);
    const ready = await fetch(new URL('/ready', gateway.url));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.credit).toMatch(/unreachable/);
  });

  it('serves its figures kept under a lease, exact, until the lease ends; then answers SUBGRAPH_UNAVAILABLE for them', async () => {
    // A long lease, so that the reads below all fall within it.
    const LONG_LEASE_MS = 3000;
    process.env.FIGURE_LEASE_MS = String(LONG_LEASE_MS);
    try {
      const kept = await ask(SCORECARD, VARS);
      const leased = performance.now();
      expect(kept.errors).toBeUndefined();
      await proxy.down();
      // No change to credit's figures can commit before the lease ends: the kept answer is the answer.
      const within = await ask(SCORECARD, VARS);
      expect(performance.now() - leased).toBeLessThan(LONG_LEASE_MS);
      expect(within).toEqual(kept);
      await new Promise((r) => setTimeout(r, LONG_LEASE_MS + 100));
      const after = await ask(SCORECARD, VARS);
      expect(after.data.commune.creditFigures).toBeNull();
      expect(after.data.commune.housingFigures).toEqual(kept.data.commune.housingFigures);
      expect(after.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'credit' }) })]);
    } finally {
      process.env.FIGURE_LEASE_MS = String(LEASE_MS);
    }
  });

  it('leaves a household page standing, with an error per missing field at its entity path', async () => {
    proxy.set('reset');
    const result = await ask(`{ household(id: "1") { id commune { code } loans { id } housingSupport { id } employment { placements { id } } } }`);
    expect(result.data.household.id).toBe('1');
    expect(result.data.household.loans).toBeNull();
    expect(result.data.household.housingSupport).toEqual(expect.any(Array));
    expect(result.data.household.employment).not.toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['household', 'loans'], extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'credit' }) }),
    ]);
  });

  it('answers the public dashboard operation with the other departments and no internals', async () => {
    proxy.set('reset');
    const result = await ask(SCORECARD, VARS, null);
    // The public may run only registered operations: this one is not, so it is refused before
    // any subgraph is asked; the registered scorecard is checked instead.
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const registered = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: 'commune-scorecard', variables: { from: '2022-01-01', to: '2024-12-31', year: 2024, asOf: '2024-12-31' } }),
    });
    const body = (await registered.json()) as {
      data: { communes: Array<Record<string, unknown>> };
      errors: Array<{ message: string; extensions: Record<string, unknown> }>;
    };
    expect(registered.status).toBe(200);
    expect(body.data.communes).toHaveLength(126);
    expect(body.data.communes.every((c) => c.creditFigures === null && c.creditOutstanding === null && c.housingFigures !== null)).toBe(true);
    expect(body.errors.length).toBeGreaterThan(0);
    expect(body.errors.length).toBeLessThanOrEqual(60);
    for (const e of body.errors) {
      expect(e.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'credit' });
      expect(e.message).not.toMatch(/127\.0\.0\.1|ECONN|fetch failed/);
    }
  });

  it('says a mutation whose answer was lost may have been written, and points at the idempotency key', async () => {
    proxy.set('hang');
    const writer = await stack.token({ roles: ['administrator'] });
    const result = await ask(
      `mutation { disburseLoan(input: { householdId: "1", programmeCode: "POOR_HOUSEHOLDS", amount: "10000000", disbursedOn: "2025-03-03", termMonths: 36, purpose: "Nuôi lợn", massOrganisation: WOMENS_UNION, savingsGroup: "Tổ 1" }) { loan { id } } }`,
      undefined,
      writer,
    );
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'credit', mayHaveWritten: true });
    expect(result.errors?.[0]?.message).toMatch(/idempotency key/i);
  });
});

describe('a bad variable', () => {
  it('is BAD_USER_INPUT naming the variable, never "400: Bad Request" with a subgraph address', async () => {
    const result = await ask(`query($from: Date!, $to: Date!) { city { creditFigures(from: $from, to: $to) { loans } } }`, {
      from: '2024-02-30',
      to: '2024-12-31',
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|400: Bad Request/);
  });
});

const serverUrl = process.env.DATABASE_URL;
describe.skipIf(!serverUrl)('database trouble on the PostgreSQL server', () => {
  it('fails a request blocked by a lock within the lock timeout, and says so without the driver message', async () => {
    // Another session holds credit's loans locked (a long migration, a stuck transaction).
    await stack.databases
      .kysely<any>('credit')
      .connection()
      .execute(async (session) => {
        await sql`BEGIN`.execute(session);
        try {
          await sql`LOCK TABLE loan IN ACCESS EXCLUSIVE MODE`.execute(session);
          const { result, ms } = await timed(() => ask(`{ household(id: "1") { id loans { id } } }`));
          expect(result.data.household.id).toBe('1');
          expect(result.data.household.loans).toBeNull();
          expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'DATABASE_TIMEOUT', serviceName: 'credit' });
          expect(result.errors?.[0]?.message).not.toMatch(/relation|"loan"|canceling statement|lock timeout:/);
          expect(ms).toBeLessThan(SUBGRAPH_TIMEOUT_MS);
        } finally {
          await sql`ROLLBACK`.execute(session);
        }
      });
  });

  it('says a database refusing connections is unavailable, without its name, and recovers', async () => {
    const credit = stack.databases.kysely<any>('credit');
    const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(credit);
    const name = rows[0]!.name;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      const result = await ask(`{ household(id: "1") { id loans { id } } }`);
      const codes = (result.errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code);
      expect(codes.length).toBeGreaterThan(0);
      for (const code of codes) expect(code).toBe('DATABASE_UNAVAILABLE');
      expect(JSON.stringify(result)).not.toContain(name);
      const ready = await fetch(new URL('/ready', stack.subgraphUrls.credit));
      expect(ready.status).toBe(503);
      const body = await ready.text();
      expect(body).toMatch(/unreachable/);
      expect(body).not.toContain(name);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const again = await ask(`{ household(id: "1") { id loans { id } } }`);
    expect(again.errors).toBeUndefined();
    expect(again.data.household.loans).toEqual(expect.any(Array));
  });
});
