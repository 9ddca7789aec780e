import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Databases } from '../db/index.js';
import type { EmbeddedLayout } from '../db/config.js';
import { loadOperations } from '../platform/operations.js';
import { postGraphQL, testAuthConfig } from '../tests/support/stack.js';
import { startStack, type Stack } from '../scripts/stack.js';

// npm run bench:embedded [-- --scale 0.25 --rounds 2 --dir /tmp/embedded-layouts]
//
// The embedded database laid out two ways in one process (db/config.ts, EMBEDDED_DATABASES):
// 'shared', one PGlite on the main thread for every subgraph, against 'per-subgraph', one
// PGlite per subgraph, each in its own worker thread. For each it builds the city data set (or
// reuses the one in --dir/<layout>) and prints how long the load took; then, with both graphs
// up at once, it asks each gateway for the dashboard's commune scorecard at 1 client and at 10
// clients in alternating rounds, and prints throughput and latency with the ratio of the two
// layouts. Each client has its own token, so the gateway shares no fetch between clients (it
// sends identical reads in flight at the same moment once).
process.env.LOG_LEVEL ??= 'error';
// A loaded machine answers slowly: what is measured is how many answers come, not the timeouts.
process.env.SUBGRAPH_TIMEOUT_MS ??= '60000';
process.env.REQUEST_DEADLINE_MS ??= '120000';
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.25' },
    rounds: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '8' },
    dir: { type: 'string', default: path.join(os.tmpdir(), 'embedded-layouts') },
  },
});
const scale = Number(values.scale);
const rounds = Math.max(1, Number(values.rounds));
const seconds = Number(values.seconds);
const VARIABLES = { from: '2022-01-01', to: '2024-12-31', year: 2024, asOf: '2024-12-31' };
const LAYOUTS: EmbeddedLayout[] = ['shared', 'per-subgraph'];
const scorecard = loadOperations().find((o) => o.name === 'commune-scorecard')!.document;

interface Graph {
  layout: EmbeddedLayout;
  databases: Databases;
  stack: Stack;
  tokens: string[];
}

async function open(layout: EmbeddedLayout): Promise<Graph> {
  const dataDir = path.join(values.dir, `scale-${scale}`, layout);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, EMBEDDED_DATABASES: layout, DATABASE_URL: '' };
  for (const key of Object.keys(env)) if (key.endsWith('_DATABASE_URL')) delete env[key];
  const databases = new Databases({ env });
  const started = performance.now();
  const cpuBefore = cpuMs();
  const stack = await startStack({
    databases,
    ports: 'random',
    gatewayPort: 0,
    data: 'city',
    scale,
    seed: 2025,
    auth: testAuthConfig(),
    log: (m) => {
      if (!/migration .* applied|subgraph ready/.test(m)) console.log(`  ${layout}: ${m}`);
    },
  });
  const cpu = cpuMs();
  console.log(
    `${layout}: graph ready in ${((performance.now() - started) / 1000).toFixed(1)} s, CPU ${((cpu.process - cpuBefore.process) / 1000).toFixed(1)} s ` +
      `of which main thread ${((cpu.main - cpuBefore.main) / 1000).toFixed(1)} s (${dataDir}; load average ${os.loadavg()[0]!.toFixed(1)})`,
  );
  const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => stack.auth.mint({ sub: `measure:client-${i}`, roles: ['administrator'] })));
  return { layout, databases, stack, tokens };
}

async function ask(graph: Graph, client: number): Promise<number> {
  const began = performance.now();
  const response = await postGraphQL(graph.stack.gatewayUrl, scorecard, VARIABLES, graph.tokens[client]);
  if (response.errors) throw new Error(`${graph.layout}: ${JSON.stringify(response.errors).slice(0, 400)}`);
  return performance.now() - began;
}

/** CPU milliseconds of the process (every thread) and of its main thread alone (Linux: /proc). */
function cpuMs(): { process: number; main: number } {
  const usage = process.cpuUsage();
  const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of stat (12 and 13 after the name), in clock ticks of 10 ms.
  return { process: (usage.user + usage.system) / 1000, main: (Number(fields[11]) + Number(fields[12])) * 10 };
}

interface Measured {
  perSecond: number;
  p50: number;
  p95: number;
  /** CPU a answer costs: the whole process, and its main thread (gateway, subgraph servers, and the shared database). */
  cpuPerAnswer: number;
  mainPerAnswer: number;
}

/**
 * `clients` clients, each asking again as soon as answered, for `seconds`: answers a second,
 * latencies, and the CPU each answer cost. On a machine busy with other work the wall times say
 * little; the CPU an answer costs on the main thread and in all does not depend on it, and bounds
 * what two idle cores can serve: at most 1000 / main ms answers a second (one thread) and
 * 2000 / process ms (two cores).
 */
async function load(graph: Graph, clients: number): Promise<Measured> {
  const latencies: number[] = [];
  const cpuBefore = cpuMs();
  const until = performance.now() + seconds * 1000;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < until) latencies.push(await ask(graph, client));
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  const cpuAfter = cpuMs();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p95: at(0.95),
    cpuPerAnswer: (cpuAfter.process - cpuBefore.process) / latencies.length,
    mainPerAnswer: (cpuAfter.main - cpuBefore.main) / latencies.length,
  };
}

const graphs: Graph[] = [];
let failed = false;
try {
  console.log(
    `scale ${scale}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const layout of LAYOUTS) graphs.push(await open(layout));
  // Both answer the same: the same data, generated from the same seed.
  const answers = await Promise.all(graphs.map((g) => postGraphQL(g.stack.gatewayUrl, scorecard, VARIABLES, g.tokens[0])));
  if (JSON.stringify(answers[0]) !== JSON.stringify(answers[1])) throw new Error('the two layouts answer the scorecard differently');
  for (const g of graphs) for (let i = 0; i < 5; i++) await ask(g, i);
  const results = new Map<string, Measured[]>();
  for (let round = 1; round <= rounds; round++) {
    for (const clients of [1, 10]) {
      for (const g of graphs) {
        const r = await load(g, clients);
        const key = `${g.layout}@${clients}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        console.log(
          `round ${round}  ${g.layout.padEnd(12)} ${String(clients).padStart(2)} client(s): ${r.perSecond.toFixed(1).padStart(6)} answers/s   p50 ${r.p50.toFixed(0).padStart(5)} ms   p95 ${r.p95.toFixed(0).padStart(5)} ms   CPU an answer ${r.cpuPerAnswer.toFixed(0).padStart(4)} ms, main thread ${r.mainPerAnswer.toFixed(0).padStart(4)} ms   (load average ${os.loadavg()[0]!.toFixed(1)})`,
        );
      }
    }
  }
  console.log('\nper-subgraph against shared (median of the rounds):');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const clients of [1, 10]) {
    const shared = results.get(`shared@${clients}`)!;
    const own = results.get(`per-subgraph@${clients}`)!;
    const throughput = median(own.map((r) => r.perSecond)) / median(shared.map((r) => r.perSecond));
    const p50 = median(own.map((r) => r.p50)) / median(shared.map((r) => r.p50));
    console.log(
      `  ${String(clients).padStart(2)} client(s): throughput ${throughput.toFixed(2)}×, p50 ${p50.toFixed(2)}× (${median(shared.map((r) => r.p50)).toFixed(0)} → ${median(own.map((r) => r.p50)).toFixed(0)} ms)`,
    );
    // What two idle cores could serve, from the CPU each answer cost (see load()).
    const capacity = (rs: Measured[]) => Math.min(1000 / median(rs.map((r) => r.mainPerAnswer)), 2000 / median(rs.map((r) => r.cpuPerAnswer)));
    console.log(
      `      bound on two idle cores from CPU an answer: shared ${capacity(shared).toFixed(1)}/s, per-subgraph ${capacity(own).toFixed(1)}/s (${(capacity(own) / capacity(shared)).toFixed(2)}×)`,
    );
  }
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
} finally {
  for (const g of graphs) {
    await g.stack.stop();
    await g.databases.close();
  }
}
fs.mkdirSync(values.dir, { recursive: true });
process.exit(failed ? 1 : 0);
