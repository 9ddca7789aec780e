import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGateway } from '../../gateway/gateway.js';
import type { RunningServer } from '../../platform/http.js';
import { freePort } from '../support/fault-proxy.js';
import { postGraphQL, startTestStack, TEST_AUTH_SECRET, type TestStack } from '../support/stack.js';

// kill -9 during writes (issue 15): the housing department runs as its own OS process on the
// PostgreSQL server; writers record Fund for the Poor contributions through the gateway, each
// with its own idempotency key; the process is killed with SIGKILL mid-stream and started
// again; every write whose answer was lost is sent again with the same key until answered.
// Then: every acknowledged contribution is in the database, and each key was written exactly
// once (no write lost, none doubled by the retries). Needs a server (separate processes cannot
// share the embedded database).

const serverUrl = process.env.DATABASE_URL;
const quiet = new Writable({ write: (_c, _e, done) => done() });
const WRITERS = 4;
const ROUNDS = Number(process.env.KILL_ROUNDS || 2);

describe.skipIf(!serverUrl)('kill -9 of a department during writes', { timeout: 300_000 }, () => {
  let stack: TestStack;
  let gateway: RunningServer;
  let housing: ChildProcess | undefined;
  let housingUrl: string;
  let env: NodeJS.ProcessEnv;
  let writer: string;

  async function startHousing(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/housing/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    housing = child;
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    for (let i = 0; i < 300; i++) {
      if (/housing subgraph ready/.test(output)) return;
      if (child.exitCode !== null) throw new Error(`housing exited: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`housing did not start: ${output}`);
  }

  beforeAll(async () => {
    stack = await startTestStack({ logDestination: quiet });
    writer = await stack.token({ sub: 'kill-test-writer', roles: ['administrator'] });
    const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(stack.databases.kysely('housing'));
    const url = new URL(serverUrl!);
    url.pathname = `/${rows[0]!.name}`;
    const port = await freePort();
    housingUrl = `http://127.0.0.1:${port}/graphql`;
    env = {
      ...process.env,
      DATABASE_URL: url.toString(),
      HOUSING_PORT: String(port),
      AUTH_SECRET: TEST_AUTH_SECRET,
      INTERNAL_SECRET: TEST_AUTH_SECRET,
      REGISTRY_URL: stack.subgraphUrls.registry!,
      DATA_SET: 'none',
      LOG_LEVEL: 'silent',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    };
    await startHousing();
    gateway = await serveGateway({
      subgraphUrls: { ...stack.subgraphUrls, housing: housingUrl },
      port: 0,
      host: '127.0.0.1',
      auth: stack.auth,
      logDestination: quiet,
      signIn: null,
      watchSupergraph: false,
      resilience: { subgraphTimeoutMs: 10_000, requestDeadlineMs: 20_000, circuitFailures: 1000, circuitCooldownMs: 200 },
    });
  });
  afterAll(async () => {
    housing?.kill('SIGKILL');
    await gateway?.close();
    await stack?.close();
  });

  const CONTRIBUTE = `mutation($input: AddFundContributionInput!) { addFundContribution(input: $input) { contribution { id } } }`;
  const send = (key: string) =>
    postGraphQL(
      gateway.url,
      CONTRIBUTE,
      { input: { donorKind: 'INDIVIDUAL', donorName: key, amount: '1000000', contributionDate: '2025-06-02', communeCode: '00070', idempotencyKey: key } },
      writer,
    ).catch((error: Error) => ({ data: null, errors: [{ message: error.message, extensions: { code: 'CLIENT' } }] }));

  it('loses no acknowledged write and doubles none, over kill -9 rounds', async () => {
    const acknowledged = new Map<string, string>(); // key -> contribution id
    const unanswered = new Set<string>();
    let sent = 0;
    let unansweredTotal = 0;
    let writtenUnanswered = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let writing = true;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; writing; i++) {
          const key = `kill-${round}-${w}-${i}`;
          sent++;
          const r = await send(key);
          const id = r.data?.addFundContribution?.contribution?.id;
          if (id) acknowledged.set(key, id);
          else unanswered.add(key);
        }
      });
      await new Promise((r) => setTimeout(r, 1500));
      housing!.kill('SIGKILL'); // mid-stream: some writes are in flight
      await new Promise((r) => setTimeout(r, 500));
      writing = false;
      await Promise.all(writers);
      await startHousing();
      unansweredTotal += unanswered.size;
      // Of the writes without an answer, those the database had committed (the answer lost on the way).
      const { rows: committed } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM fund_contribution WHERE donor_name = ANY (${[...unanswered]}::text[])`.execute(stack.databases.kysely('housing'));
      writtenUnanswered += committed[0]!.n;
      // Every write whose answer was lost, sent again with its key until it is answered.
      for (const key of [...unanswered]) {
        for (let attempt = 0; attempt < 20 && !acknowledged.has(key); attempt++) {
          const r = await send(key);
          const id = r.data?.addFundContribution?.contribution?.id;
          if (id) acknowledged.set(key, id);
          else await new Promise((res) => setTimeout(res, 250));
        }
        expect(acknowledged.has(key), `${key} answered after the restart`).toBe(true);
        unanswered.delete(key);
      }
    }
    const { rows } = await sql<{
      donor_name: string;
      id: string;
    }>`SELECT donor_name, id::text AS id FROM fund_contribution WHERE donor_name LIKE 'kill-%'`.execute(stack.databases.kysely('housing'));
    const byKey = new Map<string, string[]>();
    for (const row of rows) byKey.set(row.donor_name, [...(byKey.get(row.donor_name) ?? []), row.id]);
    const lost = [...acknowledged].filter(([key, id]) => !byKey.get(key)?.includes(id));
    const doubled = [...byKey].filter(([, ids]) => ids.length > 1);
    console.log(
      `kill -9: ${ROUNDS} rounds, ${sent} writes sent, ${unansweredTotal} without an answer (${writtenUnanswered} of them committed), ${acknowledged.size} keys acknowledged in the end, ${rows.length} rows; lost ${lost.length}, doubled ${doubled.length}`,
    );
    expect(acknowledged.size).toBeGreaterThan(WRITERS * ROUNDS);
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
    expect(rows.length).toBe(acknowledged.size);
  });
});
