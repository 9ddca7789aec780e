/**
 * The headers every request the benchmark sends carries: to either gateway, to a subgraph
 * directly (the query plan's fetches replayed) and in the differential check. One place, so
 * that when access control lands an administrator's `authorization: Bearer ...` goes here and
 * nowhere else. Hive Gateway is told to pass `authorization` on to the subgraphs, as ours does.
 *
 * Until then it sends nothing, unless BENCH_AUTHORIZATION holds a whole header value
 * (`Bearer ...`) for a run against a graph that already wants one.
 */
export function benchHeaders(): Record<string, string> {
  const authorization = process.env.BENCH_AUTHORIZATION;
  return authorization ? { authorization } : {};
}
