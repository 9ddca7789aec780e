import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { JsonBytes } from './json-answer.js';
import { identifyRequest, REQUEST_ID_HEADER, type Observability, type Readiness } from './observability.js';

/** Extra GET routes a process serves beside /graphql (pages, health). */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface ServeOptions<TContext extends BaseContext> {
  port: number;
  host?: string;
  /** Builds the per-request context (loaders live here, one set per request). */
  context: (req: http.IncomingMessage) => Promise<TContext>;
  /** Shown on the landing page at GET /. */
  title: string;
  /**
   * Serves GET / (and /graphql to a browser) instead of the small built-in landing page: the
   * gateway and the subgraphs serve their playground here (platform/pages.ts).
   */
  landingPage?: Route;
  routes?: Record<string, Route>;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Origins whose pages may call this server from a browser (CORS); none when empty. */
  corsOrigins?: readonly string[];
  /** Serves /metrics from its registry. */
  observability?: Observability;
  /** Serves /ready: 200 when every check passes, 503 otherwise. */
  ready?: () => Promise<Readiness>;
  /**
   * Whether this request's x-request-id may be kept as it is (a subgraph trusts the gateway's);
   * otherwise the server gives the request its own id and keeps the caller's beside it.
   */
  trustsRequestId?: (req: http.IncomingMessage) => boolean;
  /**
   * A registered document by its id, for a request that sends `documentId` instead of `query`
   * (the gateway's trusted documents).
   */
  documentById?: (id: string) => string | undefined;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/**
 * Serves an Apollo server over plain node:http. We drive `executeHTTPGraphQLRequest` ourselves
 * (rather than startStandaloneServer) so that the same process can also serve a local landing
 * page and health routes, and so that nothing here loads a page from an outside host.
 */
export async function serveGraphQL<TContext extends BaseContext>(apollo: ApolloServer<TContext>, options: ServeOptions<TContext>): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? Number(process.env.MAX_BODY_BYTES || 1_000_000);
  const routes: Record<string, Route> = {
    '/health': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/ready': async (_req, res) => {
      const readiness = options.ready
        ? await options.ready().catch((e: Error) => ({ ready: false, checks: { error: e.message } }))
        : { ready: true, checks: {} };
      sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks });
    },
    ...(options.observability
      ? {
          '/metrics': async (req: http.IncomingMessage, res: http.ServerResponse) => {
            if (!metricsAllowed(req)) {
              return sendJson(res, 401, {
                error: 'metrics are served to loopback callers, or to anyone with Authorization: Bearer <METRICS_TOKEN> when METRICS_TOKEN is set',
              });
            }
            res.setHeader('content-type', options.observability!.registry.contentType);
            res.end(await options.observability!.registry.metrics());
          },
        }
      : {}),
    ...options.routes,
  };
  // The handler catches everything it can throw (its own try), so the promise Node ignores never rejects.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  const server = http.createServer(async (req, res) => {
    try {
      const { requestId } = identifyRequest(req, options.trustsRequestId?.(req) ?? false);
      res.setHeader(REQUEST_ID_HEADER, requestId);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (allowCors(req, res, options.corsOrigins ?? [])) return;
      const route = req.method === 'GET' ? routes[url.pathname] : undefined;
      const wantsHtml = (req.headers.accept ?? '').includes('text/html');
      if (route) return await route(req, res);
      const landing = options.landingPage ?? ((_req: http.IncomingMessage, res: http.ServerResponse) => sendHtml(res, landingPage(options.title)));
      if (req.method === 'GET' && url.pathname === '/' && !url.search) return await landing(req, res);
      if (url.pathname !== '/graphql' && url.pathname !== '/') return sendJson(res, 404, { error: 'not found' });
      if (req.method === 'GET' && wantsHtml && !url.search) return await landing(req, res);

      const body = withRegisteredDocument(req.method === 'POST' ? await readJson(req, maxBodyBytes) : undefined, options.documentById);
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: () => options.context(req),
      });
      res.statusCode = result.status ?? 200;
      for (const [key, value] of result.headers) res.setHeader(key, value);
      if (result.body.kind === 'complete') {
        // A large answer comes as UTF-8 bytes, never made one string (json-answer.ts).
        const answer: unknown = result.body.string;
        res.end(answer instanceof JsonBytes ? answer.bytes : result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // The rest of the body is never read: close the connection rather than leave it unread
        // on a keep-alive socket, where the client's next request would wait behind it.
        res.setHeader('connection', 'close');
        return sendJson(res, 413, { errors: [{ message: `Request body exceeds ${maxBodyBytes} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      }
      if (error instanceof SyntaxError) {
        return sendJson(res, 400, { errors: [{ message: `Request body is not valid JSON: ${error.message}`, extensions: { code: 'BAD_REQUEST' } }] });
      }
      console.error(error);
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.end();
    }
  });
  // Keep-alive between gateway and subgraphs saves a TCP handshake per fetch.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * /metrics tells what is asked of the graph and how it performs: with METRICS_TOKEN set, only
 * to a caller with that bearer token; without, only to loopback callers (a scraper on the host).
 */
function metricsAllowed(req: http.IncomingMessage): boolean {
  const token = process.env.METRICS_TOKEN;
  if (token) {
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${token}`);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * A body that names a registered document (`{"documentId": "commune-scorecard", "variables":
 * ...}`) instead of sending its text gets the text; one that names no known document is left as
 * it is, and Apollo refuses it for its missing query.
 */
function withRegisteredDocument(body: unknown, documentById: ServeOptions<BaseContext>['documentById']): unknown {
  if (!documentById || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const { documentId, query, ...rest } = body as Record<string, unknown>;
  if (typeof documentId !== 'string' || query !== undefined) return body;
  const document = documentById(documentId);
  return document === undefined ? body : { ...rest, query: document };
}

/**
 * Adds the CORS headers for an allowed origin; answers a preflight (true: nothing more to do).
 * A page from any other origin gets no CORS headers, so its browser keeps the answer from it.
 */
function allowCors(req: http.IncomingMessage, res: http.ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && (origins.includes('*') || origins.includes(origin));
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', `content-type, authorization, ${REQUEST_ID_HEADER}, idempotency-key, apollo-require-preflight`);
    res.setHeader('access-control-max-age', '600');
  }
  res.statusCode = 204;
  res.end();
  return true;
}

async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length ? JSON.parse(text) : undefined;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

export function sendHtml(res: http.ServerResponse, html: string): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(html);
}

/** A self-contained page (no script or style from any other host) that says how to query. */
function landingPage(title: string): string {
  const example = JSON.stringify({ query: '{ __typename }' });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}code,pre{background:#f4f4f4;padding:.1rem .3rem}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>This is a GraphQL endpoint. Send a POST request with a JSON body to <code>/graphql</code>:</p>
<pre>curl -s -X POST -H 'content-type: application/json' \\
  --data '${escapeHtml(example)}' http://HOST/graphql</pre>
<p>Health: <a href="/health">/health</a>.</p>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
