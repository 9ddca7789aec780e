import { performance } from 'node:perf_hooks';
import { postRaw } from './http.js';

/** One load run: a fixed number of clients, each sending its next request when the last one is answered. */
export interface LoadResult {
  clients: number;
  /** Requests answered inside the measured window. */
  requests: number;
  seconds: number;
  /** Requests per second. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Requests that failed (connection error, HTTP status other than 200), and the first reason. */
  errors: number;
  firstError?: string;
  /** Answers whose body differed from the expected one. */
  mismatches: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function summarise(latencies: number[], clients: number, seconds: number, counts: { errors: number; firstError?: string; mismatches: number }): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    clients,
    requests: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    ...counts,
  };
}

export interface HttpTarget {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Every answer must be exactly this body (the one the differential check accepted). */
  expectBody: string;
}

/**
 * An answer with its page cursors blanked. Cursors are sealed with a fresh nonce each time
 * (platform/pagination.ts), so the same page never comes back byte for byte; everything
 * else in an answer must.
 */
export function withoutCursors(body: string): string {
  return body.replace(/"(cursor|endCursor)":"[^"]*"/g, '"$1":"…"');
}

/**
 * One request of a closed loop: answered 200, and then checked for the expected body (cursors
 * aside) once its time is taken. The check is the client's work, not the server's: a regular
 * expression over a 100 KB answer costs the client most of a millisecond, which was counted in
 * the gateway's time and not in the replayed fetches' (bench/overhead.ts).
 */
export function httpTask(target: HttpTarget): () => Promise<Check> {
  const expected = withoutCursors(target.expectBody);
  return async () => {
    const response = await postRaw(target.url, target.body, target.headers);
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return () => withoutCursors(response.body) === expected;
  };
}

/**
 * Warms up with a few clients for `warmupSeconds` (the JIT, the connection pools and
 * PostgreSQL's caches; a warm-up at full concurrency would cost as much as the run itself for
 * the slow operations), then measures `clients` for `seconds`.
 */
export async function warmAndMeasure(
  clients: number,
  warmupSeconds: number,
  seconds: number,
  task: (client: number) => Promise<Check>,
): Promise<{ warmup: LoadResult; measured: LoadResult }> {
  const warmup = await closedLoop({ clients: Math.min(clients, 4), seconds: warmupSeconds, task });
  return { warmup, measured: await closedLoop({ clients, seconds, task }) };
}

export interface LoopOptions {
  clients: number;
  seconds: number;
  /**
   * One request of client number `client` (0 to clients - 1, so that each client can be a
   * person of its own with its own token); resolves true when its answer was the expected one,
   * or to a function that says so, called once the request's time is taken.
   */
  task: (client: number) => Promise<Check>;
}

/** Whether an answer was the expected one, or how to tell, outside the request's measured time. */
export type Check = boolean | (() => boolean);

/**
 * A closed loop: `clients` clients, each sending its next request when its last one is
 * answered, the same for a gateway, for the query plan's fetches in their order and for the
 * floor's SQL statements, so that the three are timed by one clock. A client starts no request
 * after the window ends, and the run lasts until the last one in flight is answered: every
 * request is either measured or never sent, so no abandoned request (a load tool that stops at
 * a deadline drops those in flight, and the server works on into the next run) leaks from one
 * run into the next, and a request slower than the window still gives one sample per client.
 */
export async function closedLoop(options: LoopOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const counts: { errors: number; firstError?: string; mismatches: number } = { errors: 0, mismatches: 0 };
  const started = performance.now();
  const end = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const outcome = await options.task(client);
          latencies.push(performance.now() - t0);
          if (!(typeof outcome === 'function' ? outcome() : outcome)) counts.mismatches++;
        } catch (error) {
          counts.errors++;
          counts.firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return summarise(latencies, options.clients, (performance.now() - started) / 1000, counts);
}
