import pino from 'pino';
import { Databases } from '../../db/index.js';
import { startStack } from '../../scripts/stack.js';

// The six subgraphs as `npm start` runs them (one process, startStack), on the benchmark's
// PostgreSQL database (BENCH_DATABASE_URL), on free ports. startStack also starts a gateway of
// its own; nothing sends it a request, so it only holds some memory of this process.
//
// The parent asks over IPC for the SQL statements the subgraphs sent (the same StatementCounter
// the N+1 guards read), which is why this runs as a child with a channel rather than through
// the subgraphs' own server scripts.

const url = process.env.BENCH_DATABASE_URL;
if (!url || !process.send) {
  console.error('subgraphs.ts runs as a child of bench/run.ts (BENCH_DATABASE_URL and an IPC channel)');
  process.exit(2);
}
const databases = new Databases({ env: { DATABASE_URL: url }, poolSize: Number(process.env.BENCH_POOL_SIZE || 5) });
// Each request still writes its JSON log line, as in production, but to nowhere: a pipe to
// the parent would make the load generator pay for reading it.
const logDestination = pino.destination({ dest: '/dev/null', sync: false });
const stack = await startStack({ databases, ports: 'random', gatewayPort: 0, data: 'none', logDestination });

type Request = { type: 'statements'; reset?: boolean; id: number };
process.on('message', (message: Request) => {
  if (message.type === 'statements') {
    const count = databases.statements.get();
    const bySubgraph: Record<string, number> = {};
    for (const name of Object.keys(stack.subgraphUrls)) bySubgraph[name] = databases.statements.get(name);
    if (message.reset) databases.statements.reset();
    process.send!({ type: 'statements', id: message.id, count, bySubgraph });
  }
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop().catch(() => {});
  await databases.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());
process.send({ type: 'ready', subgraphUrls: stack.subgraphUrls });
