import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { deepFreeze, flagFromEnv, keepRecent, keptEnabled, maxEntriesFromEnv } from '../platform/kept.js';
import { FIGURE_COMMUNES, FIGURE_VERSION, keptKeys, keptResponsesEnabled, keptUnder, type KeptKeys } from '../platform/kept-responses.js';
import type { Observability } from '../platform/observability.js';
import type { GatewayContext } from './gateway.js';

/**
 * Kept answers at the gateway: a whole federated answer served again, exact at every moment
 * (issue 19).
 *
 * A subgraph keeps its own answer to a query that reads only kept figures, under the sum of its
 * figure versions, and says that sum in `extensions.figureVersion` (platform/kept-responses.ts).
 * When every fetch of a query plan answered with one, the final answer is a function of those
 * sums, the document, the variables and the caller's visibility class: it is kept here under
 * the last three, with each subgraph's sum. Served again, it costs each of those subgraphs one
 * statement (`GET /figure-version`, the sum now), asked after the request arrived, instead of the
 * plan's fetches, their answers' parsing and merging, which were most of a scorecard's time; and
 * nothing at all while the gateway holds a lease on that subgraph's sum (FIGURE_LEASE_MS, see
 * SubgraphDataSource.figureVersion and the migration 2026_12_05_1100_figure_lease): no change to
 * the subgraph's figures commits before the lease ends, so the sum it gave is the sum now.
 *
 * Why it is exact: every committed change to a figure table raises its subgraph's sum (a trigger,
 * in the change's own transaction), and the sums are read after the request arrived, so a write
 * committed before (through this gateway or any other, by any process of a subgraph) makes the
 * kept answer miss. A subgraph's sum is read before it computes its answer; a write committed
 * in between leaves the answer under an older sum than its data, which never matches again. With
 * the same sums, each subgraph would have answered the same (its own kept response), so the
 * merged answer is the same. The versions live in each subgraph's own database: two gateways and
 * two processes of a subgraph stay exact without a bus.
 *
 * Not kept: mutations, reads of personal fields (each is audited), answers with errors (a
 * department down is never kept), and any plan with a fetch that did not say its sum. The counts
 * withheld from an answer (`extensions.withheld`) are kept with it. KEPT_FIGURES=off or
 * KEPT_RESPONSES=off (read on each request) runs every request; KEPT_ANSWERS_MAX_ENTRIES bounds
 * the memory (least recently used first out; 256 by default).
 */

/** How the gateway asks a subgraph for its sum now: undefined when it cannot tell (down, off). */
export type FigureVersionSource = (subgraph: string, context: GatewayContext) => Promise<number | undefined>;

interface KeptAnswer {
  /** Each subgraph the plan fetched from, with the sum it answered under. */
  versions: ReadonlyArray<readonly [string, number]>;
  data: Record<string, unknown>;
  extensions: Record<string, unknown> | undefined;
}

/** What the fetches of one request said about their sums (SubgraphDataSource.process notes them). */
export interface FetchVersions {
  bySubgraph: Map<string, number>;
  /** Some subgraph's answer depended on the viewer's communes: kept under their own class only. */
  communes: boolean;
  /** A fetch without a sum, or two fetches of one subgraph under different sums: not keepable. */
  unkeepable: boolean;
}

/** Notes one fetch's `extensions.figureVersion` (a number, or absent) for its request. */
export function noteFigureVersion(context: GatewayContext, subgraph: string, extensions: Record<string, unknown> | undefined): void {
  const seen = (context.fetchVersions ??= { bySubgraph: new Map<string, number>(), communes: false, unkeepable: false });
  if (extensions?.[FIGURE_COMMUNES] === true) seen.communes = true;
  const version: unknown = extensions?.[FIGURE_VERSION];
  if (typeof version !== 'number') {
    seen.unkeepable = true;
    return;
  }
  const earlier = seen.bySubgraph.get(subgraph);
  if (earlier !== undefined && earlier !== version) seen.unkeepable = true;
  seen.bySubgraph.set(subgraph, version);
}

/** KEPT_ANSWERS_LEASES: whether kept answers are served under the subgraphs' leases (true by default). */
export function figureLeasesFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return flagFromEnv('KEPT_ANSWERS_LEASES', env);
}

export function keptAnswersEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return keptEnabled(env) && keptResponsesEnabled(env);
}

export class GatewayKeptAnswers {
  private readonly entries = new Map<string, KeptAnswer>();
  /** Reads being computed now, by key: settled when their answer is sent (kept or not). */
  private readonly computing = new Map<string, Promise<void>>();
  readonly stats = { hits: 0, misses: 0, stale: 0 };

  constructor(
    private readonly figureVersion: FigureVersionSource,
    private readonly options: { maxEntries?: number; enabled?: () => boolean; observability?: Observability } = {},
  ) {}

  private count(result: 'hit' | 'miss' | 'stale'): void {
    this.stats[result === 'hit' ? 'hits' : result === 'miss' ? 'misses' : 'stale']++;
    this.options.observability?.keptAnswers.inc({ result });
  }

  private get maxEntries(): number {
    return this.options.maxEntries ?? maxEntriesFromEnv('KEPT_ANSWERS_MAX_ENTRIES', 256);
  }

  private enabled(): boolean {
    return (this.options.enabled ?? (() => keptAnswersEnabled()))();
  }

  /**
   * The plugin: after the access plugin (its didResolveOperation refuses first, and its
   * willSendResponse has put the withheld counts on the answer before this keeps it).
   */
  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async () => {
        let pending: { keys: KeptKeys; done: () => void } | undefined;
        return {
          responseForOperation: async ({ contextValue, operation, request, source, operationName }) => {
            if (!contextValue.keepable || operation?.operation !== 'query' || source === undefined || !this.enabled()) return null;
            const keys = keptKeys(contextValue.auth.viewer, `${operationName ?? ''}\u0000${source}\u0000${JSON.stringify(request.variables ?? {})}`);
            let found = keptUnder(this.entries, keys);
            let served = found && (await this.holds(found.entry, contextValue));
            // The same read already being computed (after a write, every caller of a class
            // misses at once): wait for it, then check its answer as any kept one, with the
            // versions asked now, after this request arrived, so it is as exact as a hit.
            const computing = this.computing.get(keys.any);
            if (!served && computing) {
              await waitAtMost(computing, (contextValue.deadline ?? Infinity) - Date.now());
              found = keptUnder(this.entries, keys);
              served = found && (await this.holds(found.entry, contextValue));
            }
            if (served && found) {
              this.count('hit');
              // Least recently used goes first: a hit moves to the end.
              this.entries.delete(found.key);
              this.entries.set(found.key, found.entry);
              contextValue.servedKept = true;
              const { data, extensions } = found.entry;
              return {
                http: { status: undefined, headers: new HeaderMap() },
                body: { kind: 'single', singleResult: { data, ...(extensions ? { extensions } : {}) } },
              };
            }
            this.count(found ? 'stale' : 'miss');
            let done = () => {};
            if (!this.computing.has(keys.any)) {
              const finished = new Promise<void>((resolve) => (done = resolve));
              this.computing.set(keys.any, finished);
              const settle = done;
              done = () => {
                if (this.computing.get(keys.any) === finished) this.computing.delete(keys.any);
                settle();
              };
            }
            pending = { keys, done };
            return null;
          },
          willSendResponse: async ({ response, contextValue }) => {
            if (pending === undefined) return;
            try {
              if (response.body.kind !== 'single') return;
              const { data, errors, extensions } = response.body.singleResult;
              const fetched = contextValue.fetchVersions;
              if (errors?.length || !data || !fetched || fetched.unkeepable || fetched.bySubgraph.size === 0) return;
              // Any subgraph's answer that depended on the viewer's communes makes it theirs alone.
              this.keep(fetched.communes ? pending.keys.own : pending.keys.any, {
                versions: [...fetched.bySubgraph],
                data: deepFreeze(data),
                extensions: extensions ? deepFreeze({ ...extensions }) : undefined,
              });
            } finally {
              pending.done();
            }
          },
        };
      },
    };
  }

  /** Whether every subgraph the answer came from still has the sum it answered under (asked now, all at once). */
  private async holds(entry: KeptAnswer, context: GatewayContext): Promise<boolean> {
    const now = await Promise.all(entry.versions.map(([subgraph]) => this.figureVersion(subgraph, context).catch(() => undefined)));
    return entry.versions.every(([, version], i) => now[i] === version);
  }

  private keep(key: string, entry: KeptAnswer): void {
    keepRecent(this.entries, key, entry, this.maxEntries);
  }
}

/** Waits for `promise`, or `ms` at most (a computation that never ends must not hold its joiners). */
async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, Math.min(ms, 2_147_483_647)))))]);
  clearTimeout(timer);
}
