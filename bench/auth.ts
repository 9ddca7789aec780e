import { Authenticator, authConfigFromEnv } from '../platform/auth.js';

/**
 * The headers every request the benchmark sends carries: to either gateway, to a subgraph
 * directly (the query plan's fetches replayed) and in the differential check. One place: an
 * administrator's token, so every operation (household-level ones included) runs and no count
 * is withheld. Hive Gateway is told to pass `authorization` on to the subgraphs, as ours does.
 *
 * The token is minted with the same key the graph's processes verify with (AUTH_SECRET, or the
 * local secret in DATA_DIR/auth-secret). BENCH_AUTHORIZATION (a whole header value, `Bearer ...`)
 * overrides it, for a graph whose tokens are signed elsewhere.
 */
const authorization =
  process.env.BENCH_AUTHORIZATION ||
  `Bearer ${await new Authenticator(authConfigFromEnv()).mint({ sub: 'bench', roles: ['administrator'] }, { expiresInSeconds: 24 * 3600 })}`;

export function benchHeaders(): Record<string, string> {
  return { authorization };
}
