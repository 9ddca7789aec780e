import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadOperations } from '../platform/operations.js';
import { localSecretFile, readOrCreateSecret } from '../platform/secrets.js';
import { cpuSeconds } from './lib/children.js';
import { postRaw } from './lib/http.js';
import { closedLoop, withoutCursors, type LoadResult } from './lib/load.js';
import { runMain } from './lib/main.js';
import { BenchStack, type Gateway } from './stack.js';
import { benchMinter } from './users.js';

// npm run bench:profile -- --database-url postgres://…/db [--seconds 4 --rounds 3 --cpu-prof DIR
//   --variants no-kept-responses --baseline DIR]
//
// Where a commune scorecard's milliseconds go (issue 19). On a database that already holds the
// city data set (bench/data.ts or `npm run generate`), starts the subgraphs (one process, as
// `npm start` runs them) and our built gateway, as bench/stack.ts does, once per variant: the
// code as it is, and each variant of SCORECARD_VARIANTS (the same code with an optimisation
// turned off by its environment switch), side by side in this one process. Per variant it
// measures, in alternating rounds so that the machine's load falls on each alike:
//
// - p50 of a trivial query `{ city { name } }` and of the scorecard at one client (an analyst),
//   and their ratio (issue 19's target: ≤ 5×);
// - the CPU each scorecard costs in the gateway's process and in the subgraphs' (from /proc),
//   which the machine's other load does not inflate the way it inflates wall time;
// - at 10 clients, throughput with each client its own analyst token against one shared token
//   (target ≥ 0.8×).
//
// --baseline DIR adds the variant "baseline": another checkout of the project (for example
// `git archive main | tar -x -C DIR` with node_modules linked), its subgraphs and its gateway
// (built here) on the same database, so that before and after are measured in one run.
// --hive adds Hive Gateway in front of the first variant's subgraphs, given the same distinct
// tokens at 10 clients (issue 19's "ours ÷ Hive"; both gateways then share those subgraphs,
// kept responses included, so the ratio is the gateways').
//
// --cpu-prof DIR writes V8 CPU profiles of the gateway and subgraph processes there (open them
// in Chrome's DevTools (the Performance panel) or any .cpuprofile viewer; bench/profile-summary.ts
// prints each function's time per request as text).

/** Each variant: the environment of both processes (the subgraphs' and the gateway's). */
export const SCORECARD_VARIANTS: Record<string, Record<string, string>> = {
  current: {},
  /** Whole subgraph answers not kept (platform/kept-responses.ts); kept figures still on. */
  'no-kept-responses': { KEPT_RESPONSES: 'off' },
  /** Neither figures nor answers kept. */
  'no-kept': { KEPT_FIGURES: 'off' },
  /** Every entity fetch sent, even for personal fields the request already read (gateway/personal-once.ts). */
  'no-read-once': { PERSONAL_READ_ONCE: 'false' },
  /** A kept answer's subgraphs asked for their figure version on every serve, not once a lease. */
  'no-leases': { KEPT_ANSWERS_LEASES: 'false' },
  /** The answer shaped by @apollo/gateway's computeResponse, not gateway/result-shaping.ts. */
  'apollo-shaping': { GATEWAY_RESULT_SHAPING: 'apollo' },
  /** The other checkout of --baseline, as it is. */
  baseline: {},
};

// Under --cpu-prof the trivial query is not run (NaN): say so rather than print NaN.
const msOrNotRun = (x: number) => (Number.isNaN(x) ? 'not run' : `${x.toFixed(1)} ms`);
const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? '' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    clients: { type: 'string', default: '10' },
    'cpu-prof': { type: 'string', default: '' },
    variants: { type: 'string', default: '' },
    'pool-size': { type: 'string', default: '5' },
    baseline: { type: 'string', default: '' },
    hive: { type: 'boolean', default: false },
    /** Another operation of schema/operations in the scorecard's place (household-360: with --role administrator). */
    operation: { type: 'string', default: 'commune-scorecard' },
    role: { type: 'string', default: 'analyst' },
  },
});

const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CLIENTS = Number(values.clients);

interface Running {
  name: string;
  stack: BenchStack;
  gateway: Gateway;
  subgraphsPid: number;
  /** Hive Gateway in front of the same subgraphs (--hive, first variant only). */
  hive?: Gateway;
}

interface Totals {
  trivial: number[];
  scorecard: number[];
  gatewayCpuMs: number[];
  subgraphsCpuMs: number[];
  distinct: number[];
  shared: number[];
  hiveDistinct: number[];
}

async function main(): Promise<number> {
  const url = values['database-url'];
  if (!url) throw new Error('--database-url (or DATABASE_URL): a database holding the city data set');
  const profDir = values['cpu-prof'];
  if (profDir) fs.mkdirSync(profDir, { recursive: true });
  // A name given twice (`--variants baseline --baseline DIR`) is measured once.
  const names = [...new Set(['current', ...values.variants.split(',').filter(Boolean), ...(values.baseline ? ['baseline'] : [])])];
  if (names.includes('baseline') && !values.baseline) throw new Error('the variant baseline needs --baseline DIR');
  if (values.baseline) execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-gateway.ts'], { cwd: values.baseline, stdio: 'inherit' });
  const scorecard = loadOperations().find((o) => o.name === values.operation);
  if (!scorecard) throw new Error(`no operation ${values.operation} in schema/operations`);
  const mint = benchMinter();
  const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => mint({ sub: `profile-${values.role}-${i}`, roles: [values.role] })));
  const headersOf = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
  const scorecardBody = JSON.stringify({ query: scorecard.document, variables: scorecard.variables });
  const trivialBody = JSON.stringify({ query: '{ city { name } }' });

  const running: Running[] = [];
  try {
    for (const name of names) {
      const variantEnv = SCORECARD_VARIANTS[name];
      if (!variantEnv) throw new Error(`unknown variant ${name} (known: ${Object.keys(SCORECARD_VARIANTS).join(', ')})`);
      // A folder per process: tsx's loader thread writes a profile of its own beside the main thread's.
      const prof = (who: string) => (profDir ? ['--cpu-prof', '--cpu-prof-dir', `${profDir}/${name}-${who}`] : []);
      const root = name === 'baseline' ? { root: values.baseline } : {};
      // The other checkout keeps its own DATA_DIR, whose local secret would not verify the
      // tokens minted here: its processes get this one's.
      const env = name === 'baseline' && !process.env.AUTH_SECRET ? { ...variantEnv, AUTH_SECRET: readOrCreateSecret(localSecretFile()) } : variantEnv;
      const stack = await BenchStack.start(url, Number(values['pool-size']), { env, nodeArgs: prof('subgraphs'), ...root });
      const gateway = await stack.startOurs({ env, nodeArgs: prof('gateway') });
      const hive = values.hive && running.length === 0 ? await stack.startHive() : undefined;
      running.push({ name, stack, gateway, subgraphsPid: stack.subgraphsPid, ...(hive ? { hive } : {}) });
      console.log(`${name}: gateway at ${gateway.url}`);
    }
    const ask = async (r: Running, body: string, token: string, url = r.gateway.url) => {
      const response = await postRaw(url, body, headersOf(token));
      if (response.status !== 200 || response.body.includes('"errors"')) throw new Error(`${r.name}: ${response.status} ${response.body.slice(0, 300)}`);
      return response.body;
    };
    // Warm up: schema, plans, pools, kept answers; every variant must give the same answer.
    const answers = new Set<string>();
    for (const r of running) {
      for (let i = 0; i < 5; i++) await ask(r, scorecardBody, tokens[0]!);
      for (let i = 0; i < 20; i++) await ask(r, trivialBody, tokens[0]!);
      answers.add(withoutCursors(await ask(r, scorecardBody, tokens[0]!)));
      if (r.hive) for (let i = 0; i < 5; i++) await ask(r, scorecardBody, tokens[i]!, r.hive.url);
    }
    if (answers.size !== 1) throw new Error(`the variants answered ${values.operation} differently`);

    const totals = new Map<string, Totals>(
      running.map((r) => [r.name, { trivial: [], scorecard: [], gatewayCpuMs: [], subgraphsCpuMs: [], distinct: [], shared: [], hiveDistinct: [] }]),
    );
    const loop = (r: Running, body: string, clients: number, token: (client: number) => string): Promise<LoadResult> =>
      closedLoop({ clients, seconds: SECONDS, task: async (client) => (await ask(r, body, token(client)), true) });
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of running) {
        const t = totals.get(r.name)!;
        // A profile is of the scorecard alone: the trivial query would fill it with its own requests.
        t.trivial.push(profDir ? NaN : (await loop(r, trivialBody, 1, () => tokens[0]!)).p50);
        const cpu0 = [cpuSeconds(r.gateway.child.pid), cpuSeconds(r.subgraphsPid)];
        const one = await loop(r, scorecardBody, 1, () => tokens[0]!);
        t.scorecard.push(one.p50);
        t.gatewayCpuMs.push(((cpuSeconds(r.gateway.child.pid) - cpu0[0]!) * 1000) / one.requests);
        t.subgraphsCpuMs.push(((cpuSeconds(r.subgraphsPid) - cpu0[1]!) * 1000) / one.requests);
        if (CLIENTS > 1 && !profDir) {
          t.shared.push((await loop(r, scorecardBody, CLIENTS, () => tokens[0]!)).throughput);
          t.distinct.push((await loop(r, scorecardBody, CLIENTS, (c) => tokens[c]!)).throughput);
          const hive = r.hive;
          if (hive) {
            const hiveRun = await closedLoop({
              clients: CLIENTS,
              seconds: SECONDS,
              task: async (client) => (await ask(r, scorecardBody, tokens[client]!, hive.url), true),
            });
            t.hiveDistinct.push(hiveRun.throughput);
          }
        }
        console.log(
          `round ${round + 1} ${r.name.padEnd(10)} trivial p50 ${msOrNotRun(t.trivial.at(-1)!)}, ${values.operation} p50 ${t.scorecard.at(-1)!.toFixed(1)} ms ` +
            `(CPU a request: gateway ${t.gatewayCpuMs.at(-1)!.toFixed(1)} ms, subgraphs ${t.subgraphsCpuMs.at(-1)!.toFixed(1)} ms)` +
            (CLIENTS > 1 && !profDir
              ? `; ${CLIENTS} clients shared ${t.shared.at(-1)!.toFixed(1)} req/s, distinct ${t.distinct.at(-1)!.toFixed(1)} req/s`
              : '') +
            (t.hiveDistinct.length ? `, Hive distinct ${t.hiveDistinct.at(-1)!.toFixed(1)} req/s` : ''),
        );
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log(`\nload average at the end: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
    console.log(
      `${values.operation}\nvariant     trivial p50  operation p50  ratio   gateway CPU/req  subgraphs CPU/req` +
        (CLIENTS > 1 ? `  distinct ÷ shared at ${CLIENTS}` : ''),
    );
    for (const [name, t] of totals) {
      console.log(
        `${name.padEnd(10)}  ${msOrNotRun(median(t.trivial)).padStart(11)}  ${median(t.scorecard).toFixed(1).padStart(10)} ms  ${(profDir ? '—' : (median(t.scorecard) / median(t.trivial)).toFixed(1) + '×').padStart(6)}` +
          `  ${median(t.gatewayCpuMs).toFixed(1).padStart(12)} ms  ${median(t.subgraphsCpuMs).toFixed(1).padStart(14)} ms` +
          (CLIENTS > 1 && !profDir
            ? `  ${(sum(t.distinct) / sum(t.shared)).toFixed(2).padStart(8)}× (${(sum(t.distinct) / ROUNDS).toFixed(1)} / ${(sum(t.shared) / ROUNDS).toFixed(1)} req/s)`
            : ''),
      );
      if (t.hiveDistinct.length)
        console.log(
          `${name}: ours ÷ Hive Gateway, ${CLIENTS} clients with distinct tokens: ${(sum(t.distinct) / sum(t.hiveDistinct)).toFixed(2)}× (Hive ${(sum(t.hiveDistinct) / ROUNDS).toFixed(1)} req/s)`,
        );
    }
  } finally {
    for (const r of running) await r.stack.stop();
  }
  return 0;
}

await runMain(main);
