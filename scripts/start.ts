import path from 'node:path';
import { olderEmbeddedLayout } from '../db/config.js';
import { Databases } from '../db/index.js';
import { buildAssets } from '../platform/assets.js';
import { loadOperations } from '../platform/operations.js';
import { startTracing } from '../platform/tracing.js';
import { startStack, type Stack } from './stack.js';

// npm start: the whole graph on this machine. Without DATABASE_URL it runs on the embedded
// PostgreSQL in .data/ (kept between runs), so nothing else needs installing or starting; and,
// unless tokens come from a provider of the deployment's (AUTH_JWKS_URL, AUTH_PUBLIC_KEY), an
// OpenID provider on loopback with demo accounts that the pages sign in with.
const started = Date.now();
let stopping = false;
// Once stopping, start-up's progress lines (a migration finishing) are not printed.
const log = (message: string) => {
  if (!stopping) console.log(message);
};

// Ctrl-C reaches every process of the group (npm, tsx, node), often more than once: stop once,
// with one line and no stack, whether the graph is up or still starting (then the migration or
// generation in progress is abandoned as a crash would leave it: PostgreSQL recovers from it).
// A second Ctrl-C while stopping leaves at once.
let stack: Stack | undefined;
// Assigned once start-up reaches them; declared first because the stop handler above reads them.
// eslint-disable-next-line prefer-const -- see above
let databases: Databases | undefined;
// eslint-disable-next-line prefer-const -- see above
let tracing: Awaited<ReturnType<typeof startTracing>>;
const stop = async (signal: string) => {
  if (stopping) process.exit(130);
  stopping = true;
  if (!stack) {
    console.log(`\n${signal}: stopped during start-up`);
    await Promise.race([databases?.close(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]).catch(() => {});
    process.exit(130);
  }
  console.log(`\n${signal}: stopping`);
  await stack.stop();
  await databases?.close();
  // Sends the spans still buffered before the process goes.
  await tracing?.shutdown();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/** DATA_SET: the data a fresh database gets ('city', 'demo' or 'none'). */
function dataSet(): 'city' | 'demo' | 'none' {
  const value = process.env.DATA_SET || 'city';
  if (value === 'city' || value === 'demo' || value === 'none') return value;
  console.error(`DATA_SET must be city, demo or none; got "${value}"`);
  process.exit(2);
}

/**
 * The OpenID provider on loopback (OIDC_PROVIDER=off: none): not where tokens come from a
 * deployment's own provider, whose address the pages then sign in with (AUTH_ISSUER).
 */
function identityProvider(): Parameters<typeof startStack>[0]['identityProvider'] {
  if (process.env.OIDC_PROVIDER === 'off' || process.env.AUTH_JWKS_URL || process.env.AUTH_PUBLIC_KEY) return undefined;
  return {
    port: Number(process.env.OIDC_PORT || 4010),
    keysFile: path.resolve(process.env.DATA_DIR || '.data', 'oidc-keys.json'),
    ...(process.env.DEMO_ACCOUNTS_FILE ? { accountsFile: process.env.DEMO_ACCOUNTS_FILE } : {}),
  };
}

// Tracing (only when an OTLP endpoint is configured). Each server still reports under its own
// service name (gateway, registry, ...) although they share this process; the gateway's is the
// process's global provider, for @apollo/gateway's own spans (tracing.ts).
tracing = await startTracing('gateway');
if (tracing) log(`tracing: spans to ${tracing.endpoint}`);
databases = new Databases();
try {
  // DATA_DIR of the layout before each subgraph had its own embedded database: said once, here.
  const olderLayout = olderEmbeddedLayout();
  if (olderLayout) log(olderLayout);
} catch (error) {
  console.error((error as Error).message); // EMBEDDED_DATABASES misspelt
  process.exit(2);
}
log(
  `database: ${databases
    .describe('registry')
    .replace(/, schema .*/, '')
    .replace(/[/\\]registry\)$/, '/<subgraph>)')}`,
);
try {
  stack = await startStack({
    databases,
    gatewayPort: Number(process.env.PORT || 4000),
    host: process.env.HOST || '127.0.0.1',
    data: dataSet(),
    scale: Number(process.env.SCALE || 1),
    seed: Number(process.env.SEED || 2025),
    identityProvider: identityProvider(),
    log,
  });
} catch (error) {
  if (stopping) await new Promise(() => {}); // the signal handler is stopping the process
  console.error(error instanceof Error ? error.message : error);
  await databases.close();
  await tracing?.shutdown();
  process.exit(1);
}
if (stopping) await new Promise(() => {});
const dashboard = stack.gatewayUrl.replace(/\/graphql$/, '/dashboard');
if (stack.identityProvider) {
  const { issuer, accounts } = stack.identityProvider;
  log(
    `\nsign-in: an OpenID provider for this machine at ${issuer}, with these demo accounts (${process.env.DEMO_ACCOUNTS_FILE || 'config/demo-accounts.json'}):`,
  );
  const width = Math.max(...accounts.map((a) => a.username.length));
  for (const a of accounts)
    log(`  ${a.username.padEnd(width)}  password ${a.password.padEnd(20)} ${a.roles.join(', ')}${a.communes ? ` (communes ${a.communes.join(', ')})` : ''}`);
}
log(`\ngateway ready at ${stack.gatewayUrl} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
log(`dashboard: ${dashboard}   playground: ${stack.gatewayUrl.replace(/\/graphql$/, '/')}`);
// The README's first query, a registered operation: the one document a caller without a token
// may send as they like (any other needs a token, and would greet a new user with a refusal).
const readmeQuery = loadOperations()
  .find((o) => o.name === 'readme-communes')!
  .document.replace(/^#.*$/gm, '')
  .trim();
log(`try: curl -s -X POST -H 'content-type: application/json' --data '${JSON.stringify({ query: readmeQuery })}' ${stack.gatewayUrl}`);
log('Ctrl-C stops it.');
// Bundle the playground and dashboard now, so the first visit does not wait for it. A Ctrl-C
// meanwhile stops esbuild's service too (it is in the same process group), which may be seen
// a moment before the signal itself: that is not a failure worth a line.
void buildAssets().catch((error: Error) => {
  setTimeout(() => {
    if (!stopping) console.error(`page assets failed to build: ${error.message}`);
  }, 500).unref();
});
