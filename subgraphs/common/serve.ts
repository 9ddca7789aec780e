import { sql, type Kysely } from 'kysely';
import { pendingMigrations } from '../../db/index.js';
import { serveGraphQL, type RunningServer } from './http.js';
import type { DestinationStream } from 'pino';
import { Observability, type Readiness } from './observability.js';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { subgraphPages } from './pages.js';
import { createSubgraphServer, type PeerUrls, type SubgraphPackage } from './subgraph.js';

/** Ready when the database answers and every migration of the subgraph has run. */
export async function subgraphReadiness(db: Kysely<any>, pkg: SubgraphPackage): Promise<Readiness> {
  const checks: Record<string, string> = {};
  let ready = true;
  try {
    await sql`SELECT 1`.execute(db);
    checks.database = 'ok';
    const pending = await pendingMigrations(db, pkg.name, pkg.migrations);
    checks.migrations = pending.length ? `pending: ${pending.join(', ')}` : 'current';
    ready = pending.length === 0;
  } catch (error) {
    checks.database = `unreachable: ${(error as Error).message}`;
    ready = false;
  }
  return { ready, checks };
}

/**
 * Serves one subgraph over HTTP: its Apollo server, /graphql, /health, /ready and /metrics.
 * The one way a subgraph is served, whether alone or beside the others.
 */
export async function serveSubgraph(
  pkg: SubgraphPackage,
  options: { db: Kysely<any>; peers: PeerUrls; port: number; host: string; logDestination?: DestinationStream },
): Promise<RunningServer> {
  const built = pkg.buildSubgraph({ db: options.db, peers: options.peers });
  const observability = new Observability(pkg.name, options.logDestination);
  const apollo = createSubgraphServer(built, observability);
  await apollo.start();
  const title = `Hanoi poverty-reduction graph: ${pkg.name} subgraph`;
  // The playground at GET /, with the dashboard operations that this subgraph alone can answer.
  const pages = subgraphPages(title, () => buildSubgraphSchema([{ typeDefs: built.typeDefs }]));
  try {
    const server = await serveGraphQL(apollo, {
      port: options.port,
      host: options.host,
      title,
      landingPage: pages.landingPage,
      routes: pages.routes,
      context: (req) => built.createContext(req),
      observability,
      ready: () => subgraphReadiness(options.db, pkg),
    });
    return {
      ...server,
      close: async () => {
        await server.close();
        await apollo.stop();
      },
    };
  } catch (error) {
    await apollo.stop();
    throw error;
  }
}
