import { Databases } from '../db/index.js';
import { buildAssets } from '../subgraphs/common/assets.js';
import { startTracing } from '../subgraphs/common/tracing.js';
import { startStack } from './stack.js';

// npm start: the whole graph on this machine. Without DATABASE_URL it runs on the embedded
// PostgreSQL in .data/ (kept between runs), so nothing else needs installing or starting.
const started = Date.now();

/** DATA_SET: the data a fresh database gets ('city', 'demo' or 'none'). */
function dataSet(): 'city' | 'demo' | 'none' {
  const value = process.env.DATA_SET || 'city';
  if (value === 'city' || value === 'demo' || value === 'none') return value;
  console.error(`DATA_SET must be city, demo or none; got "${value}"`);
  process.exit(2);
}
const log = (message: string) => console.log(message);
// Tracing (only when an OTLP endpoint is configured). Each server still reports under its own
// service name (gateway, registry, ...) although they share this process; the gateway's is the
// process's global provider, for @apollo/gateway's own spans (tracing.ts).
const tracing = await startTracing('gateway');
if (tracing) log(`tracing: spans to ${tracing.endpoint}`);
const databases = new Databases();
log(`database: ${databases.describe('registry').replace(/, schema .*/, '')}`);
let stack: Awaited<ReturnType<typeof startStack>>;
try {
  stack = await startStack({
    databases,
    gatewayPort: Number(process.env.PORT || 4000),
    host: process.env.HOST || '127.0.0.1',
    data: dataSet(),
    scale: Number(process.env.SCALE || 1),
    seed: Number(process.env.SEED || 2025),
    log,
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await databases.close();
  await tracing?.shutdown();
  process.exit(1);
}
log(`\ngateway ready at ${stack.gatewayUrl} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
log(`try: curl -s -X POST -H 'content-type: application/json' --data '{"query":"{ communes { code name povertyFigures(year: 2024) { poor nearPoor } } }"}' ${stack.gatewayUrl}`);
log('Ctrl-C stops it.');
// Bundle the playground and dashboard now, so the first visit does not wait for it.
void buildAssets().catch((e) => console.error('page assets failed to build:', e));

// Ctrl-C reaches every process of the group (npm, tsx, node), often more than once: stop once.
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: stopping`);
  await stack.stop();
  await databases.close();
  // Sends the spans still buffered before the process goes.
  await tracing?.shutdown();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
