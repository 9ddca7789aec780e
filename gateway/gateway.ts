import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { DestinationStream } from 'pino';
import { getOperationAST, GraphQLError, GraphQLScalarType, parse, type GraphQLSchema } from 'graphql';
import { DateScalar, DateTime, Money } from '../subgraphs/common/scalars.js';
import { accessRules, checkAccess, RequestAuth, type AccessRules } from '../subgraphs/common/access.js';
import { checkLimits, limitsFromEnv, type RequestLimits } from '../subgraphs/common/limits.js';
import { isIntrospectionOnly, publicOperationsFromEnv, TrustedDocuments } from './trusted-documents.js';
import { findWithheldCounts } from './withheld.js';
import type { Authenticator } from '../subgraphs/common/auth.js';
import { errorsPlugin, formatErrorSafely } from '../subgraphs/common/errors.js';
import { CALLER_REQUEST_ID_HEADER, GATEWAY_PROOF_HEADER, gatewayProof } from '../subgraphs/common/gateway-proof.js';
import { sendJson, serveGraphQL, type RunningServer } from '../subgraphs/common/http.js';
import { introspectionFromEnv } from '../subgraphs/common/serve.js';
import { projectUrl } from '../subgraphs/common/paths.js';
import { Observability, REQUEST_ID_HEADER, type Readiness } from '../subgraphs/common/observability.js';
import { gatewayPages, signInFromEnv, type SignInSettings } from '../subgraphs/common/pages.js';
import { inRequestSpan, injectTraceContext, withClientSpan } from '../subgraphs/common/tracing.js';

export const SUPERGRAPH_PATH = projectUrl('schema/supergraph.graphql');

/** A client's key for a write it may retry: passed on to the subgraph, which answers a repeat once. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

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
}

export interface GatewayOptions {
  /** The composed supergraph; by default the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
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
  /** What a caller without a token may run: the registered operations (default) or any document. */
  publicOperations?: 'registered' | 'any';
  trustedDocuments?: TrustedDocuments;
}

/**
 * Whether a request's subgraph fetches may be shared with identical fetches of other requests
 * in flight at the same moment (see SubgraphDataSource). Set per request by the access plugin;
 * read by the fetcher through AsyncLocalStorage, because @apollo/gateway hands the fetcher only
 * a URL and a request body.
 */
const fetchSharing = new AsyncLocalStorage<boolean>();

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** A subgraph's answer as read once, so that every request that waited for it gets its own copy. */
interface SharedAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
}

/**
 * A subgraph as the gateway calls it: forwards the request id, times each fetch per subgraph
 * for the metrics and, when tracing is on, makes each fetch a client span whose traceparent
 * goes with the request, so the subgraph's spans join the gateway's trace.
 *
 * Fetches go through Node's own fetch (undici, keep-alive) rather than @apollo/gateway's
 * default make-fetch-happen, whose HTTP-cache layer costs CPU on every fetch and caches nothing
 * for POSTs. And identical read fetches in flight at once are sent once: when fifty dashboards
 * poll the same scorecard, the subgraphs compute it once and the gateway hands each request
 * its own parsed copy (the gateway merges into the objects it is given, so they cannot be
 * shared). Identical means the same subgraph, the same query and variables and the same
 * Authorization header: each subgraph applies the caller's own rules (scoping, withholding),
 * so answers are never shared between callers with different tokens. Requests that may not
 * share (mutations, whose follow-up reads must see the write; reads of personal fields, each
 * of which the subgraph audits) always fetch on their own. A request that joins another's
 * fetch is not seen by the subgraph: its x-request-id and trace context are not sent.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly inflight = new Map<string, Promise<SharedAnswer>>();

  constructor(
    private readonly name: string,
    private readonly subgraphUrl: string,
    private readonly observability: Observability | undefined,
  ) {
    super({ url: subgraphUrl });
    this.fetcher = (url, init) => this.fetchOnceInFlight(url, init ?? {});
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context?.callerRequestId) headers.set(CALLER_REQUEST_ID_HEADER, context.callerRequestId);
    // Proves to the subgraph that the request came through here (SUBGRAPH_REQUIRE_GATEWAY).
    headers.set(GATEWAY_PROOF_HEADER, gatewayProof());
    // The caller's own token: each subgraph verifies it again and enforces its own rules.
    if (context?.authorization) headers.set('authorization', context.authorization);
    if (context?.idempotencyKey) headers.set(IDEMPOTENCY_KEY_HEADER, context.idempotencyKey);
    // Runs inside the fetch's client span (process below); a no-op when tracing is off.
    injectTraceContext(headers);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const end = this.observability?.fetchDuration.startTimer({ subgraph: this.name });
    try {
      const response = await fetchSharing.run(options.context?.shareFetches === true, () =>
        withClientSpan(
          this.observability?.service ?? 'gateway',
          `POST ${this.name}`,
          { 'graphql.subgraph.name': this.name, 'http.request.method': 'POST', 'url.full': this.subgraphUrl },
          () => super.process(options),
          (r) => (r.errors?.length ? r.errors[0]!.message : undefined),
        ),
      );
      if (response.errors?.length) this.observability?.fetchErrors.inc({ subgraph: this.name });
      return response;
    } catch (error) {
      this.observability?.fetchErrors.inc({ subgraph: this.name });
      throw error;
    } finally {
      end?.();
    }
  }

  private async fetchOnceInFlight(url: string, init: FetcherRequestInit): Promise<FetcherResponse> {
    const body = typeof init.body === 'string' ? init.body : undefined;
    const headers = init.headers ?? {};
    // Node's Response is a FetcherResponse at run time; its Headers type in our TypeScript lib
    // settings lacks the iterator methods Apollo's interface lists.
    if (!fetchSharing.getStore() || body === undefined) return (await fetch(url, init as RequestInit)) as unknown as FetcherResponse;
    const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1] ?? '';
    const key = `${url}\n${authorization}\n${body}`;
    let answer = this.inflight.get(key);
    if (answer) {
      this.observability?.fetchesShared.inc({ subgraph: this.name });
    } else {
      answer = (async () => {
        const response = await fetch(url, init as RequestInit);
        return { status: response.status, statusText: response.statusText, headers: response.headers, body: await response.text() };
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, answer);
    }
    const { status, statusText, headers: responseHeaders, body: text } = await answer;
    return new Response(text, { status, statusText, headers: responseHeaders }) as unknown as FetcherResponse;
  }
}

/**
 * An Apollo gateway over the static, pre-composed supergraph: it never polls Apollo's cloud
 * (no managed federation), and usage reporting, schema reporting and the CDN-loaded landing
 * page are all off.
 */
export function createGatewayServer(options: GatewayOptions = {}): ApolloServer<GatewayContext> {
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(name, options.subgraphUrls?.[name] ?? url!, options.observability),
  });
  const rules = accessRules(parse(supergraphSdl));
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
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ...(options.observability ? [options.observability.plugin<GatewayContext>(), errorsPlugin<GatewayContext>(options.observability.logger)] : []),
      gatewayAccessPlugin({ rules, limits, shareFetches, publicOperations, trusted, ...(options.observability ? { observability: options.observability } : {}) }),
    ],
  });
}

/**
 * Refuses, before any subgraph is asked, what the limits, the public safelist or the caller's
 * scopes do not allow (the subgraphs check again), logs each refusal for the audit log, and
 * reports the counts the subgraphs withheld.
 */
function gatewayAccessPlugin(options: {
  rules: AccessRules;
  limits: RequestLimits;
  shareFetches: boolean;
  publicOperations: 'registered' | 'any';
  trusted: TrustedDocuments;
  observability?: Observability;
}): ApolloServerPlugin<GatewayContext> {
  const { rules, limits, trusted } = options;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema, operationName, request }) {
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
          if (auth.viewer.isPublic && options.publicOperations === 'registered' && !isIntrospectionOnly(document) && !trusted.nameOf(document)) {
            refuse(unregisteredOperation());
          }
          const tooMuch = checkLimits(schema, document, operationName, request.variables, limits);
          if (tooMuch) refuse(tooMuch);
          const selected = { personal: false };
          const denial = checkAccess(schema, document, rules, auth.viewer, selected);
          if (denial) refuse(denial);
          const operation = getOperationAST(document, operationName);
          contextValue.shareFetches = options.shareFetches && operation?.operation === 'query' && !selected.personal;
        },
        async willSendResponse({ contextValue, response, document, schema, operationName }) {
          if (response.body.kind !== 'single' || !document || contextValue.auth.exact) return;
          const result = response.body.singleResult;
          const withheld = findWithheldCounts(schema, document, operationName, result.data, rules, contextValue.auth.smallCountThreshold);
          if (withheld.length) result.extensions = { ...result.extensions, withheld };
        },
      };
    },
  };
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

/** Ready when every subgraph answers its /health. */
async function gatewayReadiness(subgraphUrls: Record<string, string>): Promise<Readiness> {
  const checks: Record<string, string> = {};
  await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => {
      try {
        const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2000) });
        checks[name] = response.ok ? 'ok' : `HTTP ${response.status}`;
      } catch (error) {
        checks[name] = `unreachable: ${(error as Error).message}`;
      }
    }),
  );
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}

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
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const trusted = options.trustedDocuments ?? TrustedDocuments.fromOperations();
  const server = createGatewayServer({ ...options, supergraphSdl, observability, trustedDocuments: trusted });
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
  return (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
}
