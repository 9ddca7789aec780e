import http from 'node:http';
import https from 'node:https';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type DocumentNode, type GraphQLFormattedError, type SelectionSetNode } from 'graphql';
import { positiveIntegerFromEnv } from '../db/config.js';
import { CALLER_REQUEST_ID_HEADER, GATEWAY_PROOF_HEADER, currentGatewayProof } from '../platform/gateway-proof.js';
import { REQUEST_ID_HEADER, type Observability } from '../platform/observability.js';
import { injectTraceContext, withClientSpan } from '../platform/tracing.js';
import type { GatewayContext } from './gateway.js';
import { noteFigureVersion } from './kept-answers.js';

/** A client's key for a write it may retry: passed on to the subgraph, which answers a repeat once. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** How long the gateway waits for one subgraph fetch, and for a whole request, and when it stops asking a failing subgraph. */
export interface ResilienceSettings {
  /** One fetch to one subgraph (SUBGRAPH_TIMEOUT_MS, default 5000). */
  subgraphTimeoutMs: number;
  /** The whole request: no fetch starts or runs past this after the request arrived (REQUEST_DEADLINE_MS, default 10000). */
  requestDeadlineMs: number;
  /** Consecutive failed fetches that open a subgraph's circuit (CIRCUIT_FAILURES, default 3). */
  circuitFailures: number;
  /** How long an open circuit answers at once before one trial fetch is let through (CIRCUIT_COOLDOWN_MS, default 5000). */
  circuitCooldownMs: number;
}

export function resilienceFromEnv(env: NodeJS.ProcessEnv = process.env): ResilienceSettings {
  const read = (name: string, fallback: number) => positiveIntegerFromEnv(env, name, fallback);
  return {
    subgraphTimeoutMs: read('SUBGRAPH_TIMEOUT_MS', 5000),
    requestDeadlineMs: read('REQUEST_DEADLINE_MS', 10_000),
    circuitFailures: read('CIRCUIT_FAILURES', 3),
    circuitCooldownMs: read('CIRCUIT_COOLDOWN_MS', 5000),
  };
}

/**
 * Whether a fetch may be shared with identical fetches of other requests in flight at the same
 * moment, the signal that ends it at its timeout or the request's deadline, and whether it is a
 * read. Made per fetch by SubgraphDataSource.answer and handed down to fetchOnceInFlight as an
 * argument. It was an AsyncLocalStorage while the library's own process called the fetcher; in
 * Node 20 that turns on promise hooks for the whole process, and every promise the gateway makes
 * then pays for them (issue 19).
 */
interface FetchScope {
  share: boolean;
  signal: AbortSignal;
  read: boolean;
}

/**
 * Writes (mutation fetches, to any subgraph) this gateway has seen end, answered or not. An
 * identical read in flight is joined only while this has not moved since it went out: a caller
 * whose write has been answered never gets a read that left before the write was committed
 * (read your writes, and anyone's written through this gateway). Another gateway's writes are
 * not seen here; a fetch is in flight for a subgraph's answer time only.
 */
let writesFinished = 0;

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type ProcessResult = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

/** A subgraph's answer as read once, so that every request that waited for it gets its own copy. */
interface SharedAnswer {
  status: number;
  statusText: string;
  /** Header names in lower case (node:http's `response.headers`). */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Why a fetch did not produce a GraphQL answer: the subgraph is down, too slow, or its circuit is open. */
export class SubgraphFailure extends Error {
  constructor(
    readonly code: 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_TIMEOUT',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Per-subgraph circuit breaker: after `failures` fetches in a row fail, the subgraph is not
 * asked (every request touching it gets its error at once instead of waiting for a timeout).
 * It is probed in the background every `cooldownMs` (its own /ready, bounded by the subgraph
 * timeout), and the first probe that succeeds closes the circuit: no caller's request is ever
 * the trial that waits on a dead department.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private opened = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly probe: () => Promise<boolean>,
  ) {}

  get state(): 'closed' | 'open' {
    return this.opened ? 'open' : 'closed';
  }

  /** Whether a fetch may go out now. */
  allow(): boolean {
    return !this.opened;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.opened = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  failed(): void {
    this.consecutiveFailures += 1;
    if (!this.opened && this.consecutiveFailures >= this.failures) {
      this.opened = true;
      this.scheduleProbe();
    }
  }

  private scheduleProbe(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.probe()
        .catch(() => false)
        .then((ok) => (ok ? this.succeeded() : this.opened && this.scheduleProbe()));
    }, this.cooldownMs);
    // A gateway that stops is not kept alive by a probe it no longer needs.
    this.timer.unref();
  }
}

/** The caller's request context, for a fetch made for a request (a health check's or a schema load's context is not ours). */
function callerContext(options: GraphQLDataSourceProcessOptions<GatewayContext>): GatewayContext | undefined {
  return 'incomingRequestContext' in options ? options.context : undefined;
}

/**
 * A subgraph as the gateway calls it: forwards the request id, the caller's token and
 * idempotency key, times each fetch per subgraph for the metrics and, when tracing is on, makes
 * each fetch a client span whose traceparent goes with the request.
 *
 * One department's failure is one department missing: a fetch that fails (connection refused,
 * reset, a 5xx without a GraphQL body), takes longer than the subgraph timeout or would run past
 * the request's deadline, or meets an open circuit, answers as errors on the fields it was to
 * fill, each with the subgraph's name and a code (SUBGRAPH_UNAVAILABLE, SUBGRAPH_TIMEOUT), and
 * no data for them; the department fields on shared entities are nullable, so the rest of the
 * answer stands. A mutation whose answer was lost may have been written: its error says so and
 * points at the idempotency key, and it is never retried here.
 *
 * Fetches go through node:http with a keep-alive agent (see `post` below) rather than
 * @apollo/gateway's default make-fetch-happen, whose HTTP-cache layer costs CPU on every fetch
 * and caches nothing for POSTs, or Node's fetch, whose web streams and Response objects were the
 * gateway's largest own cost per fetch (SUBGRAPH_HTTP_CLIENT=fetch still uses it, so that the
 * benchmark can measure the two side by side). Identical read fetches in flight at once are
 * sent once: when fifty dashboards poll the same scorecard, the subgraphs compute it once and
 * the gateway hands each request its own parsed copy. Identical means the same subgraph,
 * query, variables and Authorization header: each subgraph applies the caller's own rules
 * (scoping, withholding), so answers are never shared between callers with different tokens.
 * Mutations and reads of personal fields (each audited by the subgraph) always fetch on their
 * own.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly inflight = new Map<string, { answer: Promise<SharedAnswer>; writes: number }>();
  readonly circuit: CircuitBreaker;

  constructor(
    private readonly name: string,
    private readonly subgraphUrl: string,
    private readonly observability: Observability | undefined,
    private readonly settings: ResilienceSettings,
    private readonly options: { figureLeases?: boolean } = {},
  ) {
    super({ url: subgraphUrl });
    this.circuit = new CircuitBreaker(settings.circuitFailures, settings.circuitCooldownMs, async () => {
      const response = await fetch(new URL('/ready', subgraphUrl), { signal: AbortSignal.timeout(settings.subgraphTimeoutMs) });
      await response.body?.cancel();
      return response.ok;
    });
    this.fetcher = (url, init) => this.fetchOnceInFlight(url, init ?? {});
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const headers = options.request.http?.headers;
    const context = callerContext(options);
    if (!headers) return;
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context?.callerRequestId) headers.set(CALLER_REQUEST_ID_HEADER, context.callerRequestId);
    // Proves to the subgraph that the request came through here (SUBGRAPH_REQUIRE_GATEWAY).
    headers.set(GATEWAY_PROOF_HEADER, currentGatewayProof());
    // The caller's own token: each subgraph verifies it again and enforces its own rules.
    if (context?.authorization) headers.set('authorization', context.authorization);
    if (context?.idempotencyKey) headers.set(IDEMPOTENCY_KEY_HEADER, context.idempotencyKey);
    // Runs inside the fetch's client span (process below); a no-op when tracing is off.
    injectTraceContext(headers);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<ProcessResult> {
    // Only a fetch for a caller's request has a place in it (not a health check or schema load).
    const context = callerContext(options);
    // Personal fields this request already read from this subgraph are not asked again (personal-once.ts).
    const known = context?.knownEntities;
    const { query, variables } = options.request;
    const local = known?.answer(this.name, query, variables);
    if (local) {
      this.observability?.fetchesAnsweredInRequest.inc({ subgraph: this.name });
      if (context) noteFigureVersion(context, this.name, undefined);
      return local;
    }
    const result = await this.answer(options);
    if (context) noteFigureVersion(context, this.name, result.extensions);
    if (known && result.data && !result.errors?.length) known.remember(this.name, query, variables, result.data);
    return result;
  }

  /**
   * The sum of the subgraph's figure versions now (its `GET /figure-version`), asked for a kept
   * answer (kept-answers.ts); undefined when the subgraph cannot say (its circuit is open, it
   * keeps nothing, or it failed): then the request runs. A subgraph that is down or too slow
   * here counts as a failed fetch (toward its circuit), and the request's fetches to it answer
   * with that failure at once instead of waiting for it a second time.
   */
  async figureVersion(context: GatewayContext): Promise<number | undefined> {
    if (!this.circuit.allow()) return undefined;
    // Within a lease the subgraph gave, no change to its figures can have committed: nothing to ask.
    const lease = this.lease;
    const now = performance.now();
    if (lease !== undefined && now < lease.until) {
      // In the lease's last quarter, a new one is asked for in the background: while reads keep
      // coming, none of them waits for a question (and a write committing meanwhile makes the
      // subgraph grant none, so this lease runs out and the next read asks).
      if (lease.until - now < lease.ms / 4 && !this.renewing) {
        this.renewing = true;
        void this.askVersion(this.settings.subgraphTimeoutMs)
          .catch(() => undefined)
          .finally(() => (this.renewing = false));
      }
      return lease.version;
    }
    const budget = Math.min(this.settings.subgraphTimeoutMs, (context.deadline ?? Infinity) - Date.now());
    if (budget <= 0) return undefined;
    // Every request that asks in this turn of the event loop shares one question, sent after
    // all of them arrived (so its answer is as fresh for each as its own would be).
    if (!this.nextVersion) {
      const asked: Promise<VersionAnswer> = new Promise((resolve) =>
        setImmediate(() => {
          // Sent now: a request arriving from here on asks anew.
          if (this.nextVersion === asked) this.nextVersion = undefined;
          resolve(this.askVersion(budget));
        }),
      );
      this.nextVersion = asked;
    }
    const answer = await this.nextVersion;
    if (answer.failure) (context.failedSubgraphs ??= new Map()).set(this.name, answer.failure);
    return answer.version;
  }

  /** Questions for the figure version not yet sent: joined by every request of this turn. */
  private nextVersion: Promise<VersionAnswer> | undefined;

  /**
   * The latest lease on the subgraph's figure version (FIGURE_LEASE_MS on the subgraph; the
   * migration 2026_12_05_1100_figure_lease): until `until` (performance.now()), no change to a
   * figure of the subgraph commits, so `version` is its sum now. Counted from before the question
   * was sent, so it ends here before it ends in the subgraph's database, which counts from when it
   * granted it (both clocks count the same milliseconds; a database clock stepped forward by hand
   * would shorten the database's count, which nothing here can see).
   */
  private lease: { version: number; until: number; askedAt: number; ms: number } | undefined;
  /** A new lease is being asked for in the background (figureVersion). */
  private renewing = false;

  private async askVersion(budget: number): Promise<VersionAnswer> {
    const { signal, done } = timeoutSignal(budget);
    const leases = this.options.figureLeases !== false;
    const askedAt = performance.now();
    let answer: SharedAnswer;
    try {
      const url = new URL(leases ? '/figure-version?lease=1' : '/figure-version', this.subgraphUrl).toString();
      answer = await readAnswer(url, { method: 'GET', headers: { [GATEWAY_PROOF_HEADER]: currentGatewayProof() }, signal }, true).finally(done);
    } catch (error) {
      this.circuit.failed();
      this.observability?.fetchErrors.inc({ subgraph: this.name });
      const failure = signal.aborted
        ? new SubgraphFailure('SUBGRAPH_TIMEOUT', `The ${this.name} subgraph did not answer within ${budget} ms.`)
        : new SubgraphFailure('SUBGRAPH_UNAVAILABLE', `The ${this.name} subgraph could not be reached.`);
      this.observability?.logger.warn({ subgraph: this.name, code: failure.code, cause: (error as Error).message }, 'subgraph figure version failed');
      return { version: undefined, failure };
    }
    if (answer.status !== 200) return { version: undefined };
    this.circuit.succeeded();
    const { version, leaseMs } = JSON.parse(answer.body) as { version?: unknown; leaseMs?: unknown };
    if (typeof version !== 'number') return { version: undefined };
    // A later question's lease is never replaced by an earlier one's answering late.
    if (leases && typeof leaseMs === 'number' && leaseMs > 0 && (this.lease === undefined || this.lease.askedAt < askedAt)) {
      this.lease = { version, until: askedAt + leaseMs, askedAt, ms: leaseMs };
    }
    return { version };
  }

  private async answer(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<ProcessResult> {
    const isMutation = /^\s*mutation\b/.test(options.request.query ?? '');
    // Already found down or too slow for this request (figureVersion): not waited for twice.
    const context = callerContext(options);
    const failed = context?.failedSubgraphs?.get(this.name);
    if (failed) return this.failedAnswer(options, failed, false);
    if (!this.circuit.allow()) {
      this.observability?.fetchErrors.inc({ subgraph: this.name });
      return this.failedAnswer(
        options,
        new SubgraphFailure(
          'SUBGRAPH_UNAVAILABLE',
          `The ${this.name} subgraph is not answering (it failed ${this.settings.circuitFailures} times in a row); it is checked again every ${Math.ceil(this.settings.circuitCooldownMs / 1000)} s and asked as soon as it answers.`,
        ),
        false,
      );
    }
    const deadline = context?.deadline ?? Date.now() + this.settings.requestDeadlineMs;
    const budget = Math.min(this.settings.subgraphTimeoutMs, deadline - Date.now());
    if (budget <= 0) {
      return this.failedAnswer(
        options,
        new SubgraphFailure(
          'SUBGRAPH_TIMEOUT',
          `The request's deadline (${this.settings.requestDeadlineMs} ms) passed before the ${this.name} subgraph was asked.`,
        ),
        false,
      );
    }
    const byDeadline = budget < this.settings.subgraphTimeoutMs;
    const { signal, done } = timeoutSignal(budget);
    const end = this.observability?.fetchDuration.startTimer({ subgraph: this.name });
    try {
      const scope: FetchScope = { share: context?.shareFetches === true, signal, read: !isMutation };
      const response = await withClientSpan(
        this.observability?.service ?? 'gateway',
        `POST ${this.name}`,
        { 'graphql.subgraph.name': this.name, 'http.request.method': 'POST', 'url.full': this.subgraphUrl },
        () => this.send(options, scope),
        (r) => (r.errors?.length ? r.errors[0]!.message : undefined),
      );
      this.circuit.succeeded();
      if (response.errors?.length) this.observability?.fetchErrors.inc({ subgraph: this.name });
      noteWithheld(options, response.extensions?.withheld);
      return response;
    } catch (error) {
      this.observability?.fetchErrors.inc({ subgraph: this.name });
      const timedOut = signal.aborted;
      // A deadline cut short by the request's own budget says nothing about the subgraph.
      if (!(timedOut && byDeadline)) this.circuit.failed();
      const failure = timedOut
        ? new SubgraphFailure(
            'SUBGRAPH_TIMEOUT',
            byDeadline
              ? `The ${this.name} subgraph did not answer before the request's deadline (${this.settings.requestDeadlineMs} ms).`
              : `The ${this.name} subgraph did not answer within ${this.settings.subgraphTimeoutMs} ms.`,
          )
        : new SubgraphFailure('SUBGRAPH_UNAVAILABLE', `The ${this.name} subgraph could not be reached.`);
      this.observability?.logger.warn(
        { subgraph: this.name, requestId: context?.requestId, code: failure.code, cause: (error as Error).message },
        'subgraph fetch failed',
      );
      return this.failedAnswer(options, failure, isMutation);
    } finally {
      done();
      end?.();
      if (isMutation) writesFinished++;
    }
  }

  /**
   * RemoteGraphQLDataSource.process as this class uses it (no automatic persisted queries, no
   * error hooks): the same headers, body, errors and cache policy, without the two node-fetch
   * objects the library builds for every fetch, a `Headers` for willSendRequest to fill and a
   * `Request` that only the error hooks read.
   */
  private async send(options: GraphQLDataSourceProcessOptions<GatewayContext>, scope: FetchScope): Promise<ProcessResult> {
    const { request } = options;
    const headers = new PlainHeaders(request.http?.headers);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers };
    this.willSendRequest(options);
    const { query, http: _http, ...rest } = request;
    if (!query) throw new Error('Missing query');
    const response = await this.fetchOnceInFlight(this.url, { method: 'POST', headers: headers.record(), body: JSON.stringify({ query, ...rest }) }, scope);
    if (!response.ok) throw await this.errorFromResponse(response);
    const body = await this.parseBody(response);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`Expected JSON response body, but received: ${String(body)}`);
    const result: ProcessResult = { ...body, http: response };
    // As the library does: a subgraph's Cache-Control (ours send none, so every answer counts
    // as uncacheable) restricts the whole request's cache policy.
    const policy = ('incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined) as
      { restrict?: (hint: ReturnType<typeof cacheHint>) => void } | undefined;
    if (this.honorSubgraphCacheControlHeader && policy?.restrict) policy.restrict(cacheHint(response.headers.get('cache-control')));
    return result;
  }

  /**
   * The answer of a fetch that did not happen or did not finish: no data, and one error per
   * field the fetch was to fill (per entity for an entity fetch, up to a bound), each naming
   * the subgraph, so that the gateway places them at their paths and nulls only those fields.
   */
  private failedAnswer(options: GraphQLDataSourceProcessOptions<GatewayContext>, failure: SubgraphFailure, mayHaveWritten: boolean): ProcessResult {
    const message = mayHaveWritten
      ? `${failure.message} The write may or may not have been applied: send it again with the same idempotency key (Idempotency-Key header or idempotencyKey argument) to get its answer without writing twice.`
      : failure.message;
    const extensions = { code: failure.code, serviceName: this.name, ...(mayHaveWritten ? { mayHaveWritten: true } : {}) };
    const representations: unknown = options.request.variables?.representations;
    const fields = topLevelFields(options.request.query, Array.isArray(representations));
    const errors: GraphQLFormattedError[] = [];
    if (Array.isArray(representations)) {
      const perEntity = Math.max(1, Math.floor(MAX_ERRORS_PER_FETCH / Math.max(1, fields.length)));
      representations.slice(0, perEntity).forEach((_, i) => {
        for (const field of fields) errors.push({ message, path: ['_entities', i, field], extensions });
      });
      if (representations.length > perEntity)
        errors.push({ message: `${message} (${representations.length - perEntity} more entities not listed)`, extensions });
    } else {
      for (const field of fields) errors.push({ message, path: [field], extensions });
    }
    if (!errors.length) errors.push({ message, extensions });
    return { data: null, errors };
  }

  private async fetchOnceInFlight(url: string, init: FetcherRequestInit, scope?: FetchScope): Promise<FetcherResponse> {
    const body = typeof init.body === 'string' ? init.body : undefined;
    const request = { ...(init as RequestInit), ...(scope ? { signal: scope.signal } : {}) };
    const read = scope?.read === true;
    if (!scope?.share || body === undefined) return asGraphQLAnswer(url, await readAnswer(url, request, read));
    const headers = init.headers ?? {};
    const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1] ?? '';
    const key = `${url}\n${authorization}\n${body}`;
    // A fetch that went out before a write through this gateway ended may not see it: a read
    // arriving after that write starts its own (see writesFinished).
    const joined = this.inflight.get(key);
    if (joined && joined.writes === writesFinished) {
      this.observability?.fetchesShared.inc({ subgraph: this.name });
      return asGraphQLAnswer(url, await joined.answer);
    }
    const entry = { answer: readAnswer(url, request, read), writes: writesFinished };
    this.inflight.set(key, entry);
    void entry.answer.finally(() => this.inflight.get(key) === entry && this.inflight.delete(key)).catch(() => undefined);
    return asGraphQLAnswer(url, await entry.answer);
  }
}

/**
 * A signal that aborts after `ms` (as a TimeoutError, like AbortSignal.timeout), and `done` to
 * clear its timer once the fetch has answered: AbortSignal.timeout's timer always runs out,
 * seconds after the answer, and then aborts the spent signal and runs its listeners for
 * nothing, a cost on every fetch (about 0.05-0.1 ms a request in the household view's profile).
 */
function timeoutSignal(ms: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`The operation timed out after ${ms} ms.`, 'TimeoutError')), ms);
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

/** A subgraph's figure version, or why it could not say (kept-answers.ts). */
interface VersionAnswer {
  version: number | undefined;
  failure?: SubgraphFailure;
}

/** Errors listed for one failed fetch at most (an entity fetch over 126 communes would list hundreds). */
const MAX_ERRORS_PER_FETCH = 50;

/** SUBGRAPH_HTTP_CLIENT: `http` (node:http, the default) or `fetch` (Node's fetch, undici). */
export function subgraphHttpClientFromEnv(env: NodeJS.ProcessEnv = process.env): 'http' | 'fetch' {
  const value = env.SUBGRAPH_HTTP_CLIENT || 'http';
  if (value !== 'http' && value !== 'fetch') throw new Error(`SUBGRAPH_HTTP_CLIENT must be "http" or "fetch", got "${value}"`);
  return value;
}

const httpClient = subgraphHttpClientFromEnv();

/**
 * One fetch, read whole. A read sent on a kept-alive connection that the subgraph had just
 * closed (its idle timeout ran out as the request went out: ECONNRESET or EPIPE on a reused
 * socket with node:http, undici's "other side closed") is sent once more, on a new connection:
 * the subgraph never saw it, and a read may be repeated. A write is never repeated here (its
 * answer says it may have been written); neither is a fetch whose time ran out.
 */
async function readAnswer(url: string, init: RequestInit, read: boolean): Promise<SharedAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (httpClient === 'http') return await post(url, init);
      const response = await fetch(url, init);
      const headers: SharedAnswer['headers'] = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      return { status: response.status, statusText: response.statusText, headers, body: await response.text() };
    } catch (error) {
      if (!read || attempt > 1 || init.signal?.aborted || !closedByPeer(error)) throw error;
    }
  }
}

/** Whether a failed fetch met a connection the other side closed or reset (not a refusal, not a timeout). */
export function closedByPeer(error: unknown): boolean {
  // node:http (post below): the socket was reused from the agent's pool and the server had closed it.
  const e = error as { reusedSocket?: boolean; code?: unknown } | null;
  if (e?.reusedSocket === true && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return true;
  // Node's fetch (undici) wraps the socket's error as its cause.
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET';
}

// One keep-alive agent per protocol for every subgraph: a fetch takes the connection used most
// recently (lifo), so idle connections are the ones left to time out, not the ones in use. A
// connection idle for 30 s is closed here, before the subgraphs' own 65 s idle timeout
// (platform/http.ts) can close it under a request going out; the retry above covers
// servers and proxies with shorter ones.
const agentOptions: http.AgentOptions = { keepAlive: true, scheduling: 'lifo', timeout: 30_000 };
const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

/**
 * POSTs the fetch's body with node:http and reads the whole answer as text. An error says
 * whether its socket came from the agent's pool (`reusedSocket`), for closedByPeer; the
 * fetch's signal (the subgraph timeout, the request's deadline) aborts it.
 */
function post(url: string, init: RequestInit): Promise<SharedAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const headers = init.headers as Record<string, string> | undefined;
    const request = client.request(
      target,
      { method: init.method ?? 'POST', headers, agent: agents[target.protocol as keyof typeof agents], ...(init.signal ? { signal: init.signal } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('aborted', () =>
          reject(Object.assign(new Error('the subgraph closed the connection before its answer was complete'), { code: 'ECONNRESET' })),
        );
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    request.end(typeof init.body === 'string' ? init.body : undefined);
  });
}

/**
 * A subgraph's refusal (400 for a bad variable, 401/403) carries a GraphQL body whose errors
 * say what was wrong: hand that body to the gateway as an answer (HTTP 200), instead of
 * RemoteGraphQLDataSource's "400: Bad Request" error with the subgraph's URL in it. A 5xx or a
 * body that is not a GraphQL answer is a failure of the subgraph.
 */
function asGraphQLAnswer(url: string, answer: SharedAnswer): FetcherResponse {
  let status = answer.status;
  if (status >= 400) {
    let graphql: boolean;
    try {
      const parsed = JSON.parse(answer.body) as { errors?: unknown };
      graphql = Array.isArray(parsed.errors) && parsed.errors.length > 0;
    } catch {
      graphql = false;
    }
    if (!graphql || status >= 500) throw new Error(`HTTP ${status} ${answer.statusText}`);
    status = 200;
  }
  return answerResponse(url, answer, status, status === answer.status ? answer.statusText : 'OK');
}

/**
 * An answer as @apollo/gateway reads it (RemoteGraphQLDataSource: `ok`, `headers.get`, then
 * `json()` or `text()`), without building a web Response and its streams for a body already in
 * hand. Each request gets its own object, so each parses its own copy of a shared answer (the
 * gateway merges into the objects it is given).
 */
function answerResponse(url: string, answer: SharedAnswer, status: number, statusText: string): FetcherResponse {
  return new AnswerResponse(url, answer, status, statusText) as unknown as FetcherResponse;
}

// Classes rather than object literals with a getter (`{ get bodyUsed() { ... } }`): V8 gives
// each such literal a hidden class of its own, made in the old generation, and the getter's
// closure (with the answer's text) is then reachable from it. The scavenger counts those
// references as roots, so every answer survived the young generation's collections until a
// full one, and was copied and promoted on the way (issue 19).

/** The reading side of Headers over an answer's headers: nothing downstream sets a header on a subgraph's answer. */
class AnswerHeaders {
  constructor(private readonly headers: SharedAnswer['headers']) {}

  get(name: string): string | null {
    const value = this.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const name of Object.keys(this.headers)) fn(this.get(name)!, name);
  }
}

class AnswerResponse {
  readonly redirected = false;
  readonly ok: boolean;
  readonly headers: AnswerHeaders;
  private used = false;

  constructor(
    readonly url: string,
    private readonly answer: SharedAnswer,
    readonly status: number,
    readonly statusText: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new AnswerHeaders(answer.headers);
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  private read(): string {
    if (this.used) throw new TypeError('the body of this subgraph answer was already read');
    this.used = true;
    return this.answer.body;
  }

  async text(): Promise<string> {
    return this.read();
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.read()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.read(), 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  clone(): AnswerResponse {
    return new AnswerResponse(this.url, this.answer, this.status, this.statusText);
  }
}

type FetcherHeaders = NonNullable<GraphQLDataSourceProcessOptions['request']['http']>['headers'];

/**
 * The headers of a fetch going out, for willSendRequest to set: what node-fetch's Headers does
 * for it (names case-insensitive, `append` joins with ", "), on a Map.
 */
class PlainHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();

  constructor(from?: Iterable<[string, string]>) {
    if (from) for (const [name, value] of from) this.append(name, value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.map.get(key);
    this.map.set(key, before === undefined ? value : `${before}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  forEach(fn: (value: string, name: string) => void): void {
    this.map.forEach(fn);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  record(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}

/** A subgraph answer's Cache-Control as a cache hint, as @apollo/gateway reads it (max-age, private, public). */
function cacheHint(header: string | null): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const directives = new Map<string, string | true>();
  for (const part of header ? header.trim().split(/\s*,\s*/) : []) {
    const [name, value] = part.split(/\s*=\s*/, 2);
    directives.set(name!, value === undefined ? true : value.replace(/^"|"$/g, ''));
  }
  const maxAge = directives.get('max-age');
  return {
    maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0,
    ...(directives.get('private') === true ? { scope: 'PRIVATE' as const } : {}),
    ...(directives.get('public') === true ? { scope: 'PUBLIC' as const } : {}),
  };
}

/** The response names of an operation's top-level fields (inside `_entities`' fragments for an entity fetch). */
function topLevelFields(query: string | undefined, entities: boolean): string[] {
  let document: DocumentNode | undefined;
  try {
    document = query ? parse(query) : undefined;
  } catch {
    return [];
  }
  const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const names = new Set<string>();
  const collect = (set: SelectionSetNode, depth: number): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (entities && depth === 0 && s.name.value === '_entities' && s.selectionSet) collect(s.selectionSet, 1);
        else if (s.name.value !== '__typename') names.add(s.alias?.value ?? s.name.value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, depth);
    }
  };
  collect(operation.selectionSet, 0);
  return [...names];
}

/**
 * Keeps what the subgraph said it withheld (`extensions.withheld`: a path and coordinate per
 * count) with the fetch's place in the request, so that the gateway reports those counts, and
 * only those, as withheld (withheld.ts).
 */
function noteWithheld(options: GraphQLDataSourceProcessOptions<GatewayContext>, withheld: unknown): void {
  // Only a fetch for a caller's request has a place in it (not a health check or schema load).
  if (!Array.isArray(withheld) || !withheld.length || !('incomingRequestContext' in options)) return;
  const paths = withheld.flatMap((entry: unknown) => {
    const path = (entry as { path?: unknown } | null)?.path;
    return Array.isArray(path) && path.every((step) => typeof step === 'string' || typeof step === 'number') ? [path] : [];
  });
  (options.context.withheldNotes ??= []).push({ at: options.pathInIncomingRequest ?? [], paths });
}
