import { errorCodeOf } from './errors.js';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import pino, { type DestinationStream, type Logger } from 'pino';
import client from 'prom-client';
import { CALLER_REQUEST_ID_HEADER } from './gateway-proof.js';
import { endRequestSpan, nameRequestSpan, startRequestSpan } from './tracing.js';

/** The header that carries one request's id from the gateway into every subgraph it calls. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Gives the request this server's own id (x-request-id), keeping the id the caller sent beside it
 * (x-caller-request-id), never instead of it: an id a caller chooses could collide with another
 * request's, or forge one, in the logs and the audit trail. Only a request that proves it came
 * through the gateway (`trusted`) keeps the gateway's ids as they are, so that one request is one
 * id across every log.
 */
export function identifyRequest(req: http.IncomingMessage, trusted: boolean): { requestId: string; callerRequestId: string | undefined } {
  const valid = (value: unknown) => (typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value) ? value : undefined);
  const given = valid(req.headers[REQUEST_ID_HEADER]);
  const requestId = trusted && given ? given : randomUUID();
  const callerRequestId = trusted ? valid(req.headers[CALLER_REQUEST_ID_HEADER]) : given;
  req.headers[REQUEST_ID_HEADER] = requestId;
  if (callerRequestId) req.headers[CALLER_REQUEST_ID_HEADER] = callerRequestId;
  else delete req.headers[CALLER_REQUEST_ID_HEADER];
  return { requestId, callerRequestId };
}

/**
 * Metrics (Prometheus, one registry per server) and structured JSON logs (pino) for one
 * process of the graph: a subgraph or the gateway.
 */
export class Observability {
  readonly registry = new client.Registry();
  readonly logger: Logger;
  private readonly requests: client.Counter<'operation'>;
  private readonly errors: client.Counter<'operation' | 'code'>;
  private readonly duration: client.Histogram<'operation'>;
  readonly fetchDuration: client.Histogram<'subgraph'>;
  readonly fetchErrors: client.Counter<'subgraph'>;
  readonly fetchesShared: client.Counter<'subgraph'>;
  readonly fetchesAnsweredInRequest: client.Counter<'subgraph'>;
  readonly keptAnswers: client.Counter<'result'>;

  constructor(
    readonly service: string,
    /** Where the JSON log lines go (standard output by default). */
    logDestination?: DestinationStream,
  ) {
    this.registry.setDefaultLabels({ service });
    client.collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new client.Counter({ name: 'graphql_requests_total', help: 'GraphQL requests by operation name.', labelNames: ['operation'], registers });
    this.errors = new client.Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors by operation name and error code.',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.duration = new client.Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation name.',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.fetchDuration = new client.Histogram({
      name: 'gateway_subgraph_fetch_duration_seconds',
      help: 'Latency of the fetches the gateway makes to each subgraph.',
      labelNames: ['subgraph'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.fetchErrors = new client.Counter({
      name: 'gateway_subgraph_fetch_errors_total',
      help: 'Failed fetches to each subgraph.',
      labelNames: ['subgraph'],
      registers,
    });
    this.fetchesShared = new client.Counter({
      name: 'gateway_subgraph_fetches_shared_total',
      help: 'Subgraph fetches answered by an identical fetch already in flight for another request (same query, variables and token).',
      labelNames: ['subgraph'],
      registers,
    });
    this.fetchesAnsweredInRequest = new client.Counter({
      name: 'gateway_subgraph_fetches_answered_in_request_total',
      help: 'Entity fetches for personal fields the same request had already read from that subgraph, answered without sending them (gateway/personal-once.ts).',
      labelNames: ['subgraph'],
      registers,
    });
    this.keptAnswers = new client.Counter({
      name: 'gateway_kept_answers_total',
      help: 'Reads the gateway could keep whole (gateway/kept-answers.ts): served kept (hit), not kept yet (miss), or kept under figures that have changed since (stale).',
      labelNames: ['result'],
      registers,
    });
    // Tests run quiet unless LOG_LEVEL asks otherwise.
    const level = process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
    this.logger = logDestination ? pino({ level: process.env.LOG_LEVEL || 'info', base: { service } }, logDestination) : pino({ level, base: { service } });
  }

  /**
   * A refused attempt, for the audit log: one JSON line with `audit: "refused"`, who, what and
   * why, and both request ids. The gateway keeps no database, so this log is its audit trail of
   * refusals; subgraphs also write theirs to their audit_event table.
   */
  refusal(refusal: Refusal): void {
    this.logger.warn({ audit: 'refused', ...refusal }, 'request refused');
  }

  /**
   * Counts, times and logs every GraphQL request, with the request id; and, when tracing is on
   * (tracing.ts), makes each request a server span that continues the caller's trace.
   */
  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    // The hooks below are methods of another object; they reach this one through `obs`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const obs = this;
    return {
      async requestDidStart({ request, contextValue }) {
        const started = process.hrtime.bigint();
        const requestId = request.http?.headers.get(REQUEST_ID_HEADER) ?? undefined;
        const callerRequestId = request.http?.headers.get(CALLER_REQUEST_ID_HEADER) ?? undefined;
        const span = startRequestSpan(obs.service, request.http?.headers, contextValue, requestId ? { 'app.request_id': requestId } : {});
        return {
          async didResolveOperation({ operation, operationName }) {
            nameRequestSpan(span, operation?.operation, operationName ?? undefined);
          },
          async willSendResponse({ operationName, errors }) {
            endRequestSpan(span, errors);
            const operation = operationName ?? 'anonymous';
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            obs.requests.inc({ operation });
            obs.duration.observe({ operation }, seconds);
            for (const e of errors ?? []) obs.errors.inc({ operation, code: errorCodeOf(e) });
            // The line is written once the answer is on its way: willSendResponse runs before the
            // answer is written, and a synchronous write of a line to a pipe (a log collector, a
            // terminal) took 0.1-0.9 ms of each request's time here.
            setImmediate(logRequest, obs.logger, {
              requestId,
              ...(callerRequestId ? { callerRequestId } : {}),
              operation,
              ms: Math.round(seconds * 1000),
              errors: errors?.length ?? 0,
            });
          },
        };
      },
    };
  }
}

/** The request's log line (Observability.plugin). */
function logRequest(logger: Logger, fields: Record<string, unknown>): void {
  logger.info(fields, 'graphql request');
}

/** What the audit log records of a refused request (a token, a scope, a limit refused). */
export interface Refusal {
  requestId?: string | undefined;
  callerRequestId?: string | undefined;
  subject: string | null;
  roles: readonly string[];
  operation?: string | null;
  code: string;
  reason: string;
}

/** Result of a readiness check: ready or not, with each check's outcome. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}
