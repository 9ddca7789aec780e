import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer as ApolloServerType, ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { DestinationStream } from 'pino';
import { GraphQLError, GraphQLScalarType, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { stringifyResult } from '../platform/json-answer.js';
import { DateScalar, DateTime, Money } from '../platform/scalars.js';
import { checkAccess } from '../platform/access/check.js';
import { RequestAuth } from '../platform/access/request.js';
import { accessRules, type AccessRules } from '../platform/access/rules.js';
import { checkLimits, limitsFromEnv, type RequestLimits } from '../platform/limits.js';
import { isIntrospectionOnly, publicOperationsFromEnv, TrustedDocuments } from './trusted-documents.js';
import { findWithheldCounts, withheldPaths, type WithheldNote } from './withheld.js';
import { watchedSupergraph } from './supergraph-watch.js';
import { figureLeasesFromEnv, GatewayKeptAnswers, type FetchVersions } from './kept-answers.js';
import { entityModel, KnownEntities, personalReadOnceFromEnv, type EntityModel } from './personal-once.js';
import type { Authenticator } from '../platform/auth.js';
import { errorsPlugin, formatErrorSafely } from '../platform/errors.js';
import { CALLER_REQUEST_ID_HEADER } from '../platform/gateway-proof.js';
import { IDEMPOTENCY_KEY_HEADER, resilienceFromEnv, SubgraphDataSource, type ResilienceSettings, type SubgraphFailure } from './subgraph-source.js';
import { sendJson, serveGraphQL, type RunningServer } from '../platform/http.js';
import { introspectionFromEnv } from '../platform/serve.js';
import { projectUrl } from '../platform/paths.js';
import { Observability, REQUEST_ID_HEADER, type Readiness } from '../platform/observability.js';
import type { SignInSettings } from '../platform/pages.js';
import { gatewayPages, signInFromEnv } from './pages.js';
import { inRequestSpan } from '../platform/tracing.js';
import { installOperationCache } from './operation-cache.js';
import { ApolloServer, installGatewayRequestContext } from './request-context.js';
import { installResultShaping, resultShapingFromEnv } from './result-shaping.js';

export const SUPERGRAPH_PATH = projectUrl('schema/supergraph.graphql');

/** The supergraph file the gateway serves and watches: SUPERGRAPH_FILE, else the committed schema/supergraph.graphql. */
export function supergraphFileFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.SUPERGRAPH_FILE || fileURLToPath(SUPERGRAPH_PATH);
}

export { IDEMPOTENCY_KEY_HEADER };

/**
 * What the gateway keeps per request: the id and the bearer token it forwards to every
 * subgraph it calls, and the caller's verified access state.
 */
export interface GatewayContext {
  /** The gateway's own id for the request (never the caller's; see identifyRequest). */
  requestId?: string;
  /** The x-request-id the caller sent, passed on beside ours. */
  callerRequestId?: string;
  authorization?: string;
  /** The caller's Idempotency-Key header, passed on to the subgraphs with a mutation. */
  idempotencyKey?: string;
  auth: RequestAuth;
  /**
   * Whether this request's subgraph fetches may be shared with identical ones in flight (see
   * SubgraphDataSource): set once the operation is known to be a read without personal fields.
   */
  shareFetches?: boolean;
  /** When the request must be finished (ms since the epoch): no subgraph fetch runs past it. */
  deadline?: number;
  /**
   * The counts the subgraphs said they withheld, each at its fetch's place in this request
   * (SubgraphDataSource.process fills it; withheld.ts maps it onto the final answer).
   */
  withheldNotes?: WithheldNote[];
  /** A read without personal fields: its whole answer may be kept (kept-answers.ts). */
  keepable?: boolean;
  /** The figure version each subgraph fetch answered under (kept-answers.ts). */
  fetchVersions?: FetchVersions;
  /** Subgraphs found down or too slow while checking a kept answer: this request does not ask them again. */
  failedSubgraphs?: Map<string, SubgraphFailure>;
  /** This answer was served from the gateway's kept answers (its withheld counts came with it). */
  servedKept?: boolean;
  /** The personal fields this request's fetches have read, by entity (personal-once.ts); only for queries that select one. */
  knownEntities?: KnownEntities;
}

export interface GatewayOptions {
  /** A composed supergraph to serve as it is (never reloaded); by default the supergraph file. */
  supergraphSdl?: string;
  /**
   * The supergraph file (supergraphFileFromEnv by default), taken up again when it changes
   * unless `watchSupergraph` is false (SUPERGRAPH_WATCH=false); see supergraph-watch.ts.
   */
  supergraphFile?: string;
  watchSupergraph?: boolean;
  /** Subgraph URLs by name, overriding the routing URLs in the supergraph. */
  subgraphUrls?: Record<string, string>;
  observability?: Observability;
  /** Depth, alias, cost and page-size limits; by default from the environment. */
  limits?: RequestLimits;
  /** Schema introspection (on by default, for local use; INTROSPECTION=false turns it off). */
  introspection?: boolean;
  /**
   * Identical read fetches in flight at once sent once (see SubgraphDataSource); on by
   * default, SUBGRAPH_FETCH_SHARING=false turns it off.
   */
  shareFetches?: boolean;
  /**
   * Whole answers of reads kept and served again while exact (kept-answers.ts); on by default,
   * KEPT_RESPONSES=off or KEPT_FIGURES=off turns them off (read on each request).
   */
  keepAnswers?: boolean;
  /** What a caller without a token may run: the registered operations (default) or any document. */
  publicOperations?: 'registered' | 'any';
  trustedDocuments?: TrustedDocuments;
  /** Subgraph timeout, request deadline and circuit breaker; by default from the environment. */
  resilience?: ResilienceSettings;
  /**
   * A personal field read once per request: an entity fetch for personal fields the request
   * already read from that subgraph is answered from them (personal-once.ts); on by default,
   * PERSONAL_READ_ONCE=false turns it off.
   */
  personalReadOnce?: boolean;
  /**
   * Kept answers served under a subgraph's lease on its figure version without asking it again
   * (the subgraph grants leases of FIGURE_LEASE_MS); on by default, KEPT_ANSWERS_LEASES=false
   * asks each subgraph on every kept answer served.
   */
  figureLeases?: boolean;
  /**
   * How the merged subgraph data becomes the answer: `fast` (the default) is result-shaping.ts,
   * `apollo` @apollo/gateway's own computeResponse (GATEWAY_RESULT_SHAPING). It replaces a
   * function of the library's module, so the last gateway created in a process decides.
   */
  resultShaping?: 'fast' | 'apollo';
}

/**
 * An Apollo gateway over the static, pre-composed supergraph: it never polls Apollo's cloud
 * (no managed federation), and usage reporting, schema reporting and the CDN-loaded landing
 * page are all off.
 */
export function createGatewayServer(options: GatewayOptions = {}): ApolloServerType<GatewayContext> {
  const file = options.supergraphFile ?? supergraphFileFromEnv();
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(file, 'utf8');
  const watch = options.supergraphSdl === undefined && (options.watchSupergraph ?? process.env.SUPERGRAPH_WATCH !== 'false');
  const resilience = options.resilience ?? resilienceFromEnv();
  const logger = options.observability?.logger;
  // The subgraphs as the gateway calls them, by name: kept answers ask them for their figure versions.
  const sources = new Map<string, SubgraphDataSource>();
  const figureLeases = options.figureLeases ?? figureLeasesFromEnv();
  installResultShaping(options.resultShaping ?? resultShapingFromEnv());
  installOperationCache(true);
  // Apollo Server's CommonJS build, with the request context it hands the executor made so that
  // it does not keep each request's data alive (request-context.ts).
  installGatewayRequestContext();
  // @apollo/gateway (2.14) otherwise starts, in its constructor, a metrics exporter to Apollo's
  // cloud and resource detectors that ask the AWS, GCP, Azure and Alibaba metadata addresses:
  // calls to outside hosts, which nothing here may make (tests/no-outside-calls.test.ts).
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: watch
      ? watchedSupergraph(file, {
          updated: (f) => logger?.info({ supergraph: f }, 'supergraph updated: new requests use it'),
          rejected: (f, reason) => logger?.error({ supergraph: f, reason }, 'supergraph not taken: the previous one stays in use'),
        })
      : supergraphSdl,
    // The plan says which subgraphs' answers a request must remember for personal-once.ts.
    experimental_didResolveQueryPlan: ({ queryPlan, requestContext }) => (requestContext.context as GatewayContext).knownEntities?.planned(queryPlan),
    buildService: ({ name, url }) => {
      const source = new SubgraphDataSource(name, options.subgraphUrls?.[name] ?? url!, options.observability, resilience, { figureLeases });
      sources.set(name, source);
      return source;
    },
  });
  const kept = new GatewayKeptAnswers(async (subgraph, context) => sources.get(subgraph)?.figureVersion(context), {
    ...(options.observability ? { observability: options.observability } : {}),
    ...(options.keepAnswers === false ? { enabled: () => false } : {}),
  });
  // The access rules (the @access, @personal and @count directives) follow the supergraph in use.
  let rules = accessRules(parse(supergraphSdl));
  // Each API schema's entity keys and personal fields, from the supergraph it was made from.
  const models = new WeakMap<GraphQLSchema, EntityModel>();
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    const document = parse(coreSupergraphSdl);
    rules = accessRules(document);
    models.set(apiSchema, entityModel(document, apiSchema));
    useOurScalars(apiSchema);
  });
  const personalReadOnce = options.personalReadOnce ?? personalReadOnceFromEnv();
  const limits = options.limits ?? limitsFromEnv();
  const shareFetches = options.shareFetches ?? process.env.SUBGRAPH_FETCH_SHARING !== 'false';
  const publicOperations = options.publicOperations ?? publicOperationsFromEnv();
  const trusted = options.trustedDocuments ?? TrustedDocuments.fromOperations();
  return new ApolloServer<GatewayContext>({
    gateway: withRequestSpans(gateway),
    introspection: options.introspection ?? introspectionFromEnv(),
    // Apollo's CSRF prevention stays on (its default): a simple cross-site form post or GET
    // without a preflight-forcing header is refused.
    csrfPrevention: true,
    // Our processes handle SIGINT/SIGTERM themselves and stop every server in order; Apollo's
    // own handler would race that stop and hang it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: process.env.NODE_ENV === 'development',
    formatError: formatErrorSafely,
    // A large answer written in parts, never one string (json-answer.ts).
    stringifyResult,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ...(options.observability ? [options.observability.plugin<GatewayContext>(), errorsPlugin<GatewayContext>(options.observability.logger)] : []),
      gatewayAccessPlugin({
        rules: () => rules,
        limits,
        shareFetches,
        publicOperations,
        trusted,
        entities: (schema) => (personalReadOnce ? models.get(schema) : undefined),
        ...(options.observability ? { observability: options.observability } : {}),
      }),
      kept.plugin(),
    ],
  });
}

/**
 * Refuses, before any subgraph is asked, what the limits, the public safelist or the caller's
 * scopes do not allow (the subgraphs check again), logs each refusal for the audit log, and
 * reports the counts the subgraphs withheld.
 */
function gatewayAccessPlugin(options: {
  rules: () => AccessRules;
  limits: RequestLimits;
  shareFetches: boolean;
  publicOperations: 'registered' | 'any';
  trusted: TrustedDocuments;
  /** The entity model for reading personal fields once per request, when that is on. */
  entities: (schema: GraphQLSchema) => EntityModel | undefined;
  observability?: Observability;
}): ApolloServerPlugin<GatewayContext> {
  const { rules, limits, trusted } = options;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema, operationName, operation, request }) {
          const auth = contextValue.auth;
          auth.operationName = operationName ?? null;
          const refuse = (error: GraphQLError): never => {
            options.observability?.refusal({
              requestId: auth.requestId,
              callerRequestId: auth.callerRequestId,
              subject: auth.viewer.subject,
              roles: auth.viewer.roles,
              operation: operationName ?? null,
              code: String(error.extensions.code),
              reason: error.message,
            });
            throw error;
          };
          // The operation Apollo resolved: none when the operation name names none of the
          // document's, or the document has several and no name says which. Refused here, as bad
          // input, before any rule below picks the document's only operation on its own.
          if (!operation) refuse(unknownOperation(document, request.operationName));
          if (auth.viewer.isPublic && options.publicOperations === 'registered' && !isIntrospectionOnly(document) && !trusted.nameOf(document)) {
            refuse(unregisteredOperation());
          }
          const tooMuch = checkLimits(schema, document, operationName, request.variables, limits);
          if (tooMuch) refuse(tooMuch);
          const selected = { personal: false };
          const denial = checkAccess(schema, document, rules(), auth.viewer, selected);
          if (denial) refuse(denial);
          contextValue.keepable = operation?.operation === 'query' && !selected.personal;
          contextValue.shareFetches = options.shareFetches && contextValue.keepable;
          const model = operation?.operation === 'query' && selected.personal ? options.entities(schema) : undefined;
          if (model) contextValue.knownEntities = new KnownEntities(model);
        },
        async willSendResponse({ contextValue, response, document, schema, operationName }) {
          // A kept answer brings the withheld counts it was given (kept-answers.ts).
          if (response.body.kind !== 'single' || !document || contextValue.auth.exact || contextValue.servedKept) return;
          const result = response.body.singleResult;
          const reported = withheldPaths(contextValue.withheldNotes ?? [], result.data);
          const withheld = findWithheldCounts(schema, document, operationName, result.data, rules(), contextValue.auth.smallCountThreshold, reported);
          if (withheld.length) result.extensions = { ...result.extensions, withheld };
        },
      };
    },
  };
}

/** A request whose operation name names none of its document's operations, or that names none of several. */
function unknownOperation(document: DocumentNode, operationName: string | null | undefined): GraphQLError {
  const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : []));
  const message = operationName
    ? `The document has no operation named "${operationName}" (it has ${names.map((n) => `"${n}"`).join(', ') || 'none'}): send the name of the one to run as operationName.`
    : `The document has ${names.length} operations (${names.map((n) => `"${n}"`).join(', ')}): say which one to run with operationName.`;
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** A caller without a token sent a document that is not one of the registered operations. */
function unregisteredOperation(): GraphQLError {
  return new GraphQLError(
    'Without a token, only the registered operations may run: the ones in schema/operations/ (listed at /operations; send the text or {"documentId": "<name>"}), or schema introspection. To run your own queries, send a bearer token (npm run token -- --role analyst).',
    { extensions: { code: 'UNAUTHENTICATED', reason: 'UNREGISTERED_OPERATION', operations: '/operations', http: { status: 401 } } },
  );
}

/**
 * The gateway with each request's execution run inside that request's server span (started by
 * the observability plugin), so the fetches to subgraphs and @apollo/gateway's own spans
 * (gateway.plan, gateway.fetch, ...) are its children. Apollo plugins can only observe a
 * request, not wrap it, hence this thin wrapper around the executor; without a span (tracing
 * off) the executor runs as it is.
 */
function withRequestSpans(gateway: ApolloGateway) {
  return {
    load: async (options: Parameters<ApolloGateway['load']>[0]) => {
      const loaded = await gateway.load(options);
      useOurScalars(loaded.schema);
      const executor = loaded.executor;
      return { ...loaded, executor: (requestContext: Parameters<typeof executor>[0]) => inRequestSpan(requestContext.context, () => executor(requestContext)) };
    },
    onSchemaLoadOrUpdate: gateway.onSchemaLoadOrUpdate.bind(gateway),
    stop: () => gateway.stop(),
  };
}

/**
 * The supergraph's custom scalars (Money, Date, DateTime) parse as the subgraphs parse them, at
 * the gateway: a bad value in a variable is refused here as BAD_USER_INPUT, naming the variable,
 * instead of being passed on for a subgraph to answer "400: Bad Request".
 */
function useOurScalars(schema: GraphQLSchema): void {
  for (const ours of [Money, DateScalar, DateTime]) {
    const type = schema.getType(ours.name);
    if (!(type instanceof GraphQLScalarType)) continue;
    type.parseValue = ours.parseValue;
    type.parseLiteral = ours.parseLiteral;
  }
}

/**
 * Ready when every subgraph says it is ready: each subgraph's own /ready (its database
 * included), each asked with a 2 s timeout, so a hung department makes the gateway "not ready,
 * <name>: timed out" in about 2 s instead of hanging the check.
 */
async function gatewayReadiness(subgraphUrls: Record<string, string>): Promise<Readiness> {
  const checks: Record<string, string> = {};
  await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => {
      try {
        const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
        if (response.ok) {
          checks[name] = 'ok';
        } else {
          const body = (await response.json().catch(() => null)) as { checks?: Record<string, string> } | null;
          const failing = Object.entries(body?.checks ?? {})
            .filter(([, v]) => v !== 'ok')
            .map(([k, v]) => `${k}: ${v}`);
          checks[name] = `not ready (HTTP ${response.status}${failing.length ? `; ${failing.join('; ')}` : ''})`;
        }
      } catch (error) {
        checks[name] = (error as Error).name === 'TimeoutError' ? `timed out after ${READY_TIMEOUT_MS} ms` : `unreachable: ${(error as Error).message}`;
      }
    }),
  );
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}

/** How long /ready waits for each subgraph's own /ready. */
const READY_TIMEOUT_MS = 2000;

/** The routing URL of every subgraph in a supergraph, by subgraph name. */
export function routingUrls(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) urls[m[1]!] = m[2]!;
  return urls;
}

/** Serves the gateway over HTTP: /graphql, /health, /ready (its subgraphs) and /metrics. */
export async function serveGateway(
  options: GatewayOptions & {
    port: number;
    host: string;
    auth: Authenticator;
    logDestination?: DestinationStream;
    corsOrigins?: string[];
    /** How the pages sign in (OpenID Connect); by default from AUTH_ISSUER (pages.ts), null: no sign-in. */
    signIn?: SignInSettings | null;
  },
): Promise<RunningServer> {
  const { auth } = options;
  const observability = options.observability ?? new Observability('gateway', options.logDestination);
  const supergraphFile = options.supergraphFile ?? supergraphFileFromEnv();
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(supergraphFile, 'utf8');
  const trusted = options.trustedDocuments ?? TrustedDocuments.fromOperations();
  const resilience = options.resilience ?? resilienceFromEnv();
  const server = createGatewayServer({ ...options, supergraphFile, observability, trustedDocuments: trusted, resilience });
  await server.start();
  const urls = { ...routingUrls(supergraphSdl), ...options.subgraphUrls };
  const title = 'Hanoi poverty-reduction graph: gateway';
  // GET / is the playground (GraphiQL) and GET /dashboard the dashboard, both built locally.
  const pages = gatewayPages(title, options.signIn === undefined ? signInFromEnv() : options.signIn);
  pages.routes['/operations'] = (_req, res) => sendJson(res, 200, { operations: trusted.list() });
  try {
    const running = await serveGraphQL(server, {
      port: options.port,
      host: options.host,
      title,
      landingPage: pages.landingPage,
      routes: pages.routes,
      // An invalid token is refused here (401), never downgraded to the public role.
      context: async (req) => {
        // Set by the HTTP layer: our own id, and the caller's beside it (identifyRequest).
        const requestId = req.headers[REQUEST_ID_HEADER] as string | undefined;
        const callerRequestId = req.headers[CALLER_REQUEST_ID_HEADER] as string | undefined;
        const authorization = req.headers.authorization;
        const idempotencyKey = req.headers[IDEMPOTENCY_KEY_HEADER];
        let viewer;
        try {
          viewer = await auth.viewerOf(authorization);
        } catch (error) {
          observability.refusal({ requestId, callerRequestId, subject: null, roles: [], code: 'UNAUTHENTICATED', reason: (error as Error).message });
          throw error;
        }
        return {
          deadline: Date.now() + resilience.requestDeadlineMs,
          ...(requestId ? { requestId } : {}),
          ...(callerRequestId ? { callerRequestId } : {}),
          ...(authorization !== undefined ? { authorization } : {}),
          ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
          auth: new RequestAuth(viewer, auth.policy.disclosure, requestId, callerRequestId),
        };
      },
      documentById: (id) => trusted.document(id),
      corsOrigins: options.corsOrigins ?? corsOriginsFromEnv(),
      maxBodyBytes: Number(process.env.MAX_BODY_BYTES || 100_000),
      observability,
      ready: () => gatewayReadiness(urls),
    });
    return {
      ...running,
      close: async () => {
        await running.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** `<NAME>_URL` variables override where the gateway finds each subgraph. */
export function subgraphUrlsFromEnv(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const name of names) {
    const url = env[`${name.toUpperCase()}_URL`];
    if (url) urls[name] = url;
  }
  return urls;
}

/** CORS_ORIGINS: the other origins whose pages may call the gateway (comma-separated); none by default. */
export function corsOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}
