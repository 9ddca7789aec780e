import { sql, type Kysely } from 'kysely';
import { pendingMigrations, type AnyTables } from '../db/index.js';
import { sendJson, serveGraphQL, type RunningServer } from './http.js';
import type { DestinationStream } from 'pino';
import { Observability, REQUEST_ID_HEADER, type Readiness } from './observability.js';
import { RequestAuth } from './access/request.js';
import { PEER_SCOPE } from './access/rules.js';
import { recordPersonalReads, recordRefusal } from './audit.js';
import { databaseTrouble, errorCodeOf } from './errors.js';
import { forbidden, type Authenticator } from './auth.js';
import { CALLER_REQUEST_ID_HEADER, GATEWAY_PROOF_HEADER, isGatewayProof, requireGatewayFromEnv } from './gateway-proof.js';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { subgraphPages } from './pages.js';
import { IDEMPOTENCY_KEY_HEADER } from './writes.js';
import { createSubgraphServer, type PeerUrls, type SubgraphPackage } from './subgraph.js';

/**
 * Ready when the database answers and every migration of the subgraph has run, within
 * READY_TIMEOUT_MS: a hung database (or a lock on the migrations table) makes the subgraph
 * "not ready" in seconds instead of hanging the check. The driver's message goes to the log,
 * not into the answer (it can name the database).
 */
export async function subgraphReadiness(db: Kysely<AnyTables>, pkg: SubgraphPackage, log?: (message: string) => void): Promise<Readiness> {
  const checks: Record<string, string> = {};
  let ready: boolean;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${READY_TIMEOUT_MS} ms`), { code: 'READY_TIMEOUT' })), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([sql`SELECT 1`.execute(db), timedOut]);
    checks.database = 'ok';
    const pending = await Promise.race([pendingMigrations(db, pkg.name, pkg.migrations), timedOut]);
    checks.migrations = pending.length ? `pending: ${pending.join(', ')}` : 'current';
    ready = pending.length === 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    checks.database =
      code === 'READY_TIMEOUT' ? `timed out after ${READY_TIMEOUT_MS} ms` : databaseTrouble(error) === 'DATABASE_TIMEOUT' ? 'timed out' : 'unreachable';
    log?.(`${pkg.name} readiness: database ${checks.database}: ${(error as Error).message}`);
    ready = false;
  } finally {
    clearTimeout(timer);
  }
  return { ready, checks };
}

/** How long a subgraph's /ready waits for its database. */
const READY_TIMEOUT_MS = 2000;

/**
 * Serves one subgraph over HTTP: its Apollo server, /graphql, /health, /ready and /metrics.
 * The one way a subgraph is served, whether alone or beside the others.
 */
export async function serveSubgraph(
  pkg: SubgraphPackage,
  options: { db: Kysely<AnyTables>; peers: PeerUrls; port: number; host: string; auth: Authenticator; logDestination?: DestinationStream },
): Promise<RunningServer> {
  const { auth } = options;
  const built = pkg.buildSubgraph({ db: options.db, peers: options.peers, serviceHeaders: () => auth.serviceHeaders(pkg.name) });
  const observability = new Observability(pkg.name, options.logDestination);
  const apollo = createSubgraphServer(built, {
    observability,
    audit: (context: { auth: RequestAuth }) => recordPersonalReads(options.db, context.auth),
    recordRefusal: (context: { auth: RequestAuth }, fields: string[], code: string) => recordRefusal(options.db, context.auth, fields, code),
    introspection: introspectionFromEnv(),
  });
  const requireGateway = requireGatewayFromEnv();
  const viaGateway = (req: { headers: Record<string, unknown> }) => isGatewayProof(req.headers[GATEWAY_PROOF_HEADER]);
  await apollo.start();
  const title = `Hanoi poverty-reduction graph: ${pkg.name} subgraph`;
  // The playground at GET /, with the dashboard operations that this subgraph alone can answer.
  const pages = subgraphPages(title, () => buildSubgraphSchema([{ typeDefs: built.typeDefs }]));
  const kept = built.keptResponses;
  if (kept) {
    // The gateway's check that a whole answer it kept still holds (gateway/kept-answers.ts):
    // a number that moves with every committed change, nothing about any record.
    pages.routes['/figure-version'] = async (req, res) => {
      if (requireGateway && !viaGateway(req)) return sendJson(res, 403, { error: 'only the gateway asks for the figure version' });
      // `?lease=1`: with a lease on the sum (figureLeaseMs), which the gateway counts from before it asked.
      if (new URL(req.url ?? '/', 'http://subgraph').searchParams.get('lease') === '1') {
        const leased = await kept.leasedVersion();
        return sendJson(res, leased === undefined ? 404 : 200, leased ?? { version: null, leaseMs: 0 });
      }
      const version = await kept.version();
      sendJson(res, version === undefined ? 404 : 200, { version: version ?? null });
    };
  }
  try {
    const server = await serveGraphQL(apollo, {
      port: options.port,
      host: options.host,
      title,
      landingPage: pages.landingPage,
      routes: pages.routes,
      // The token is verified here, again, even behind the gateway: a subgraph trusts no caller.
      context: async (req) => {
        const requestId = req.headers[REQUEST_ID_HEADER] as string | undefined;
        const callerRequestId = req.headers[CALLER_REQUEST_ID_HEADER] as string | undefined;
        try {
          const viewer = await auth.viewerOf(req.headers.authorization);
          // Behind a gateway (SUBGRAPH_REQUIRE_GATEWAY=true) only the gateway and the other
          // subgraphs' service calls are answered.
          if (requireGateway && !viaGateway(req) && !viewer.has(PEER_SCOPE)) {
            throw forbidden(`The ${pkg.name} subgraph answers only the gateway and the other subgraphs' service calls; send the request to the gateway`);
          }
          const requestAuth = new RequestAuth(viewer, auth.policy.disclosure, requestId, callerRequestId);
          const idempotencyKey = req.headers[IDEMPOTENCY_KEY_HEADER];
          if (typeof idempotencyKey === 'string') requestAuth.idempotencyKey = idempotencyKey;
          return await built.createContext(requestAuth);
        } catch (error) {
          const code = errorCodeOf(error);
          observability.refusal({ requestId, callerRequestId, subject: null, roles: [], code, reason: (error as Error).message });
          throw error;
        }
      },
      trustsRequestId: viaGateway,
      observability,
      ready: () => subgraphReadiness(options.db, pkg, (m) => observability.logger.warn(m)),
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

/** INTROSPECTION=false turns schema introspection off (it is on by default, for local use). */
export function introspectionFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.INTROSPECTION;
  if (value === undefined || value === '') return true;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`INTROSPECTION must be true or false, got "${value}"`);
}
