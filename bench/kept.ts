import { Writable } from 'node:stream';
import { Databases } from '../db/index.js';
import { resilienceFromEnv } from '../gateway/subgraph-source.js';
import { loadOperations } from '../platform/operations.js';
import { testAuthConfig } from '../tests/support/stack.js';
import { startStack } from '../scripts/stack.js';
import { withValues } from '../subgraphs/bench-kit.js';
import { benches } from '../subgraphs/benches.js';

// npm run bench:kept [-- --scale 0.1 --seconds 8 --clients 1,10]: the 126-commune scorecard
// (schema/operations/commune-scorecard.graphql) with kept answers off and on, in one process on
// one database, each client with its own analyst token (so the gateway's in-flight sharing,
// which merges only identical requests of one token, does not help). A last run adds a writer
// recording one loan every WRITE_MS through the graph while the clients read, so that kept
// answers are invalidated all along. Prints requests per second and latency percentiles, and
// the p50 of a trivial query (`{ city { name } }`) through the same gateway for scale.
// Embedded database in memory (or kept in --data-dir, reused by the next run), or DATABASE_URL's
// database (an empty one gets the data set; one that has it is reused). Generous gateway
// timeouts (30 s a fetch), so that a loaded machine slows the numbers instead of failing them.

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const SCALE = Number(arg('scale', '0.1'));
const SECONDS = Number(arg('seconds', '8'));
const CLIENTS = arg('clients', '1,10').split(',').map(Number);
const WRITE_MS = 500;

const quiet = new Writable({ write: (_c, _e, done) => done() });
const dataDir = arg('data-dir', '');
const databases = process.env.DATABASE_URL
  ? new Databases({ env: process.env, poolSize: 10 })
  : dataDir
    ? new Databases({ env: { ...process.env, DATA_DIR: dataDir } })
    : new Databases({ inMemory: true });
const resilience = resilienceFromEnv({ SUBGRAPH_TIMEOUT_MS: '30000', REQUEST_DEADLINE_MS: '60000', CIRCUIT_FAILURES: '50', ...process.env });
const auth = testAuthConfig();
const loadStarted = Date.now();
const stack = await startStack({
  databases,
  ports: 'random',
  gatewayPort: 0,
  data: 'city',
  scale: SCALE,
  auth,
  logDestination: quiet,
  log: () => {},
  resilience,
});
console.log(
  `city data set at scale ${SCALE} on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'the embedded database'}, loaded in ${((Date.now() - loadStarted) / 1000).toFixed(0)} s`,
);

const scorecard = loadOperations().find((o) => o.name === 'commune-scorecard')!;
const maxClients = Math.max(...CLIENTS);
const tokens = await Promise.all(Array.from({ length: maxClients }, (_, i) => stack.auth.mint({ sub: `bench-analyst-${i}`, roles: ['analyst'] })));

/** Data: the answer's type, named by the caller that wrote the query (these are not registered operations). */
async function post<Data = unknown>(query: string, variables: Record<string, unknown>, token: string, url = stack.gatewayUrl): Promise<Data> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 400));
  return body.data as Data;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

/** `clients` closed-loop clients for SECONDS, each with its own token (or all with the first's: `shared`). */
async function run(query: string, variables: Record<string, unknown>, clients: number, url = stack.gatewayUrl, shared = false) {
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    (shared ? Array.from({ length: clients }, () => tokens[0]!) : tokens.slice(0, clients)).map(async (token) => {
      while (Date.now() < end) {
        const t = performance.now();
        await post(query, variables, token, url);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / SECONDS, p50: pct(latencies, 50), p95: pct(latencies, 95), n: latencies.length };
}

/** A writer: one JOB_CREATION loan every WRITE_MS to households of the data set, until stopped. */
function writer() {
  let stop = false;
  let writes = 0;
  const done = (async () => {
    const token = await stack.auth.mint({ sub: 'bench-writer', roles: ['credit-writer'] });
    const admin = await stack.auth.mint({ sub: 'bench-admin', roles: ['administrator'] });
    const list = await post<{ households: { edges: Array<{ node: { id: string } }> } }>(`{ households(first: 50) { edges { node { id } } } }`, {}, admin);
    const ids = list.households.edges.map((e) => e.node.id);
    while (!stop) {
      const id = ids[writes % ids.length]!;
      await post(
        `mutation($input: DisburseLoanInput!) { disburseLoan(input: $input) { loan { id } } }`,
        {
          input: {
            householdId: id,
            programmeCode: 'JOB_CREATION',
            amount: '20000000',
            disbursedOn: '2024-06-15',
            termMonths: 36,
            jobsCreated: 1,
            purpose: 'bench',
            massOrganisation: 'WOMENS_UNION',
            savingsGroup: 'bench',
          },
        },
        token,
      );
      writes++;
      await new Promise((r) => setTimeout(r, WRITE_MS));
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await done;
      return writes;
    },
  };
}

const fmt = (r: { rps: number; p50: number; p95: number }) =>
  `${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50.toFixed(0).padStart(5)} ms  p95 ${r.p95.toFixed(0).padStart(5)} ms`;

// Warm both paths once (schema, plans, connections).
process.env.KEPT_FIGURES = 'off';
await post(scorecard.document, scorecard.variables, tokens[0]!);
const trivial = await run('{ city { name } }', {}, 1);
console.log(`trivial query { city { name } }, 1 client: ${fmt(trivial)}`);
const results: Record<string, ReturnType<typeof run> extends Promise<infer R> ? R : never> = {};
for (const clients of CLIENTS) {
  for (const mode of ['off', 'on'] as const) {
    process.env.KEPT_FIGURES = mode;
    const r = await run(scorecard.document, scorecard.variables, clients);
    results[`${mode}/${clients}`] = r;
    console.log(`scorecard, kept answers ${mode.padEnd(3)}, ${String(clients).padStart(2)} clients (own tokens): ${fmt(r)}`);
  }
  const on = results[`on/${clients}`]!;
  const off = results[`off/${clients}`]!;
  console.log(
    `  ${clients} clients: throughput ${(on.rps / off.rps).toFixed(1)}× with kept answers, p50 ${(off.p50 / on.p50).toFixed(1)}× lower; p50 on / trivial p50 = ${(on.p50 / trivial.p50).toFixed(1)}`,
  );
  // The same clients all on one token (the gateway then also shares identical fetches in flight):
  // issue 19's "distinct ÷ shared", in the order shared, own, own, shared after the run above,
  // so that neither side always follows the other (the run above follows the afresh one, whose
  // garbage the next run collects).
  const runs = { own: [on], shared: [] as (typeof on)[] };
  for (const shared of [true, false, false, true])
    runs[shared ? 'shared' : 'own'].push(await run(scorecard.document, scorecard.variables, clients, stack.gatewayUrl, shared));
  const rps = (rs: (typeof on)[]) => rs.reduce((sum, r) => sum + r.rps, 0) / rs.length;
  console.log(
    `scorecard, kept answers on , ${String(clients).padStart(2)} clients: own tokens ${runs.own.map((r) => r.rps.toFixed(1)).join(', ')} req/s; one shared token ${runs.shared.map((r) => r.rps.toFixed(1)).join(', ')} req/s`,
  );
  console.log(`  ${clients} clients: own tokens ÷ one shared token = ${(rps(runs.own) / rps(runs.shared)).toFixed(2)}× (means of the runs above)`);
}
// Each subgraph's own share: the scorecard's fetch of that subgraph (its fields of the 126
// communes, as the gateway sends it), posted to the subgraph directly, one client.
const { from, to, year, asOf } = scorecard.variables as { from: string; to: string; year: number; asOf: string };
const shares = benches.flatMap((b) => (b.scorecard ? [[b.name, withValues(b.scorecard.fields, { from, to, year, asOf })] as const] : []));
const codes = (await post<{ communes: Array<{ code: string }> }>('{ communes { code } }', {}, tokens[0]!)).communes.map((c) => c.code);
const representations = codes.map((code) => ({ __typename: 'Commune', code }));
for (const [name, fields] of shares) {
  const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Commune { ${fields} } } }`;
  const url = stack.subgraphUrls[name]!;
  const line: string[] = [];
  const p50: Record<string, number> = {};
  for (const mode of ['off', 'on'] as const) {
    process.env.KEPT_FIGURES = mode;
    await post(query, { r: representations }, tokens[0]!, url);
    const r = await run(query, { r: representations }, 1, url);
    p50[mode] = r.p50;
    line.push(`${mode} p50 ${r.p50.toFixed(1)} ms`);
  }
  console.log(`${name.padEnd(16)} its scorecard fetch (126 communes), 1 client: ${line.join(', ')}: ${(p50.off! / p50.on!).toFixed(1)}× faster kept`);
}

process.env.KEPT_FIGURES = 'on';
const w = writer();
const busy = await run(scorecard.document, scorecard.variables, maxClients);
const writes = await w.stop();
console.log(`scorecard, kept answers on, ${maxClients} clients, a writer recording a loan every ${WRITE_MS} ms (${writes} loans): ${fmt(busy)}`);
await stack.stop();
await databases.close();
