import { Databases, type AnyTables } from '../db/index.js';
import { Authenticator, authConfigFromEnv } from './auth.js';
import { serveSubgraph } from './serve.js';
import { startTracing } from './tracing.js';
import { portFor, prepareSchema, type SubgraphPackage } from './subgraph.js';

/**
 * Runs one subgraph alone (the department's own process): migrate, load its demo share on a
 * fresh database unless DATA_SET is not 'demo', serve on its port.
 */
export async function runSubgraph(pkg: SubgraphPackage): Promise<void> {
  // Only when an OTLP endpoint is configured; the subgraph alone reports under its own name.
  const tracing = await startTracing(pkg.name);
  if (tracing) console.log(`tracing: spans to ${tracing.endpoint}`);
  const databases = new Databases();
  const db = databases.kysely<AnyTables>(pkg.name);
  let auth: Authenticator;
  try {
    auth = new Authenticator(authConfigFromEnv());
    await prepareSchema(db, pkg, (m) => console.log(m));
    // Alone, a subgraph can load its demo share; the city data set comes from `npm run generate`.
    if ((process.env.DATA_SET || 'demo') === 'demo') await pkg.seedDemo(db);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await databases.close();
    process.exit(1);
  }
  const server = await serveSubgraph(pkg, {
    db: databases.serving<AnyTables>(pkg.name),
    peers: { registry: process.env.REGISTRY_URL || 'http://127.0.0.1:4001/graphql' },
    port: portFor(pkg),
    host: process.env.HOST || '127.0.0.1',
    auth,
  });
  console.log(`${pkg.name} subgraph ready at ${server.url} (${databases.describe(pkg.name)})`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await databases.close();
    // Sends the spans still buffered before the process goes.
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
