import { parseArgs } from 'node:util';
import { loadOperations } from '../platform/operations.js';
import { ensureDataset } from './data.js';
import { runMain } from './lib/main.js';
import { closedLoop, percentile } from './lib/load.js';
import { BenchStack } from './stack.js';
import { sameBody, startWriter, userTask, usersFixtures } from './users-load.js';
import { benchMinter, mintReaders, mintWriter } from './users.js';

// npm run bench:soak [-- --duration 120 --clients 6 --scale 0.1]: a long run of our gateway
// under the users' mix (bench/users.ts), each client going round the public dashboard
// operations with its own token while the writer records repayments, to show that the
// gateway's subgraph client (node:http, keep-alive, a read retried once on a connection the
// subgraph closed) answers every request over minutes. Prints requests, failures and medians
// per operation; exits non-zero on any failed request or write.

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '120' },
    clients: { type: 'string', default: '6' },
    scale: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '2025' },
    'writer-interval': { type: 'string', default: '1000' },
    'admin-url': { type: 'string' },
    operations: { type: 'string', default: 'city-overview,commune-scorecard,commune-years,published-figures,what-if' },
  },
});
const seconds = Number(values.duration);
const clients = Number(values.clients);
const started = Date.now();
const log = (message: string) => console.error(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

async function main(): Promise<number> {
  const adminUrl = values['admin-url'] ?? process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dataset = await ensureDataset({ adminUrl, scale: Number(values.scale), seed: Number(values.seed), reuseStale: false, log });
  const names = values.operations.split(',').map((s) => s.trim());
  const operations = loadOperations().filter((o) => names.includes(o.name));
  if (operations.length !== names.length) throw new Error(`unknown operation among ${names.join(', ')}`);
  const stack = await BenchStack.start(dataset.url, 5);
  try {
    const ours = await stack.startOurs();
    const { communes, loanId } = await usersFixtures(dataset.url);
    const mint = benchMinter();
    const readers = await mintReaders(clients, communes, mint);
    const writer = await mintWriter(mint);
    const tasks = operations.map((op) => ({
      name: op.name,
      task: userTask(ours.url, sameBody(JSON.stringify({ query: op.document, variables: op.variables })), readers),
    }));
    // Every role's answer to every operation first: a mix that cannot run is no soak.
    for (const { task } of tasks) for (let client = 0; client < Math.min(clients, 5); client++) await task(client);
    const latencies = new Map<string, number[]>(operations.map((op) => [op.name, []]));
    const turns = new Array<number>(clients).fill(0);
    log(
      `${clients} clients (${readers.map((r) => r.role).join(', ')}) round ${names.join(', ')} for ${seconds} s, a repayment every ${values['writer-interval']} ms`,
    );
    const writing = startWriter(ours.url, writer, loanId, Number(values['writer-interval']));
    ours.memory.reset();
    const result = await closedLoop({
      clients,
      seconds,
      task: async (client) => {
        const { name, task } = tasks[(client + turns[client]!++) % tasks.length]!;
        const t0 = performance.now();
        const ok = await task(client);
        latencies.get(name)!.push(performance.now() - t0);
        return ok;
      },
    });
    const writes = await writing.stop();
    for (const [name, values] of latencies) {
      values.sort((a, b) => a - b);
      log(`${name}: ${values.length} answered, p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`);
    }
    log(
      `${result.requests} requests in ${result.seconds.toFixed(0)} s (${result.throughput.toFixed(1)} req/s), ${result.errors} failed${result.firstError ? ` (first: ${result.firstError})` : ''}, ` +
        `${result.mismatches} without data; ${writes.writes} writes, ${writes.errors} failed${writes.firstError ? ` (first: ${writes.firstError})` : ''}; gateway peak ${(ours.memory.peak() / 2 ** 20).toFixed(0)} MiB`,
    );
    ours.memory.stop();
    return result.errors || result.mismatches || writes.errors ? 1 : 0;
  } finally {
    await stack.stop();
  }
}

await runMain(main);
