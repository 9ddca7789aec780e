import { RemoteGraphQLDataSource } from '@apollo/gateway';

// Fixes tried on our gateway without editing gateway/: this module is loaded with
// `node --import` before gateway/server.ts (the benchmark's --variants), and replaces
// RemoteGraphQLDataSource.prototype.sendRequest, which our SubgraphDataSource inherits. What a
// variant buys is measured against the gateway as shipped, in the same run; a fix worth having
// belongs in gateway/gateway.ts (SubgraphDataSource), not here.
//
// BENCH_GATEWAY_PATCHES, comma-separated:
// - dedup: identical subgraph queries in flight at once (same URL, same body, same
//   Authorization) are sent once and their answer shared, each waiter parsing its own copy
//   (the gateway merges into the objects it is given). Hive Gateway does this by default. The
//   x-request-id and traceparent of the requests that waited are not seen by the subgraph.
// - fetch: Node's own fetch (undici, keep-alive) instead of @apollo/gateway's default
//   make-fetch-happen, whose HTTP-cache layer and streams cost CPU on every fetch.

const patches = new Set((process.env.BENCH_GATEWAY_PATCHES ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const unknown = [...patches].filter((p) => p !== 'dedup' && p !== 'fetch');
if (unknown.length) throw new Error(`BENCH_GATEWAY_PATCHES: unknown patch(es) ${unknown.join(', ')}`);

interface Answer {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

type Fetcher = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

const inflight = new Map<string, Promise<Answer>>();

type Request = { http?: { url: string; method: string; headers: Iterable<[string, string]> }; query?: string; [key: string]: unknown };

if (patches.size) {
  const proto = RemoteGraphQLDataSource.prototype as unknown as {
    sendRequest(request: Request, context: unknown): Promise<unknown>;
  };
  proto.sendRequest = async function sendRequest(this: { fetcher: Fetcher }, request: Request) {
    const { http, ...withoutHttp } = request;
    if (!http) throw new Error("Internal error: Only 'http' requests are supported.");
    const body = JSON.stringify(withoutHttp);
    const headers = Object.fromEntries(http.headers);
    const fetcher: Fetcher = patches.has('fetch') ? (globalThis.fetch as unknown as Fetcher) : this.fetcher;
    const send = async (): Promise<Answer> => {
      const response = await fetcher(http.url, { method: http.method, headers, body });
      return { ok: response.ok, status: response.status, headers: response.headers, text: await response.text() };
    };
    let answer: Promise<Answer>;
    if (patches.has('dedup') && /^\s*(query\b|\{)/.test(String(withoutHttp.query ?? ''))) {
      const key = `${http.url}\n${headers.authorization ?? ''}\n${body}`;
      let shared = inflight.get(key);
      if (!shared) {
        shared = send().finally(() => inflight.delete(key));
        inflight.set(key, shared);
      }
      answer = shared;
    } else {
      answer = send();
    }
    const { ok, status, headers: responseHeaders, text } = await answer;
    if (!ok) throw new Error(`${status}: ${text.slice(0, 500)}`);
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object') throw new Error(`Expected JSON response body, but received: ${text.slice(0, 200)}`);
    return { ...(parsed as object), http: { headers: responseHeaders, status, ok } };
  };
}
