import DataLoader from 'dataloader';
import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyTables } from '../db/index.js';
import * as figureVersionMigration from './migrations/2026_12_04_2000_figure_version.js';
import * as figureLeaseMigration from './migrations/2026_12_05_1100_figure_lease.js';

/**
 * Kept answers: aggregate figures served again without computing them, exact at every moment.
 *
 * Every table a subgraph computes figures from moves a version in `figure_version` (one row per
 * commune, '' for the city's own rollup rows, '*' the epoch), in a trigger, so in the very
 * transaction of the change (see the migration 2026_12_04_2000_figure_version). A figure loader
 * wrapped here reads those versions first (one statement per batch, for every kept loader of
 * the request that dispatches at the same tick), then, per key:
 *
 * - a commune's answer is kept under (the commune's version, the epoch);
 * - an answer about the whole city (or every commune at once) under the sum of all versions,
 *   which every committed change raises;
 *
 * and is served again only while that tag is still current. Since the versions are read before
 * the computation, a write that commits in between can only make the kept answer carry an older
 * tag than its data: it will never match again, so a race costs a recomputation, never a stale
 * answer. A write that committed before the read began has moved its versions, so a read after
 * a successful mutation always computes afresh. The versions live in the subgraph's own
 * database, so this holds with any number of processes of the subgraph and of the gateway.
 *
 * What is kept is the raw, exact value (before disclosure control, which the `@count` and
 * `@amount` directives apply to each caller at output, and before any caller's scope): keys are
 * a field and its arguments, never a token, so one official's computation serves every other's.
 * Kept values are shared between requests and frozen; a resolver must not change them.
 *
 * KEPT_FIGURES=off computes everything afresh (read on each request: the differential test
 * compares both in one process); KEPT_FIGURES_MAX_ENTRIES bounds the memory (least recently
 * used first out; 20,000 by default).
 */

export const keptMigrations: Record<string, Migration> = {
  '2026_12_04_2000_figure_version': figureVersionMigration,
  '2026_12_05_1100_figure_lease': figureLeaseMigration,
};

/** The scope of an answer about the whole city, or about every commune at once. */
export const CITY_SCOPE = Symbol('city');
export type Scope = string | typeof CITY_SCOPE;

interface Entry {
  tag: string;
  value: unknown;
}

/** Counters a benchmark or a test can read. */
export interface KeptStats {
  hits: number;
  misses: number;
  entries: number;
}

/** An on/off switch of the environment, on when unset (KEPT_FIGURES, KEPT_RESPONSES). */
export function switchFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env[name] ?? 'on').toLowerCase();
  if (value === 'on' || value === '') return true;
  if (value === 'off') return false;
  throw new Error(`${name} must be "on" or "off", got "${env[name]}"`);
}

/** A true/false flag of the environment, true when unset (PERSONAL_READ_ONCE, KEPT_ANSWERS_LEASES). */
export function flagFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[name] ?? 'true';
  if (value !== 'true' && value !== 'false') throw new Error(`${name} must be "true" or "false", got "${value}"`);
  return value === 'true';
}

export function keptEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return switchFromEnv('KEPT_FIGURES', env);
}

/** A bound on kept entries from the environment (`fallback` when unset). */
export function maxEntriesFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

/** The current versions: per scope, and their sum (the city's tag). */
interface Versions {
  byScope: Map<string, number>;
  sum: number;
}

/** One subgraph process's kept answers (built once, with the subgraph). */
export class KeptAnswers {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly isEnabled: () => boolean;
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly db: Kysely<AnyTables>,
    options: { maxEntries?: number; enabled?: () => boolean } = {},
  ) {
    this.maxEntries = options.maxEntries ?? maxEntriesFromEnv('KEPT_FIGURES_MAX_ENTRIES', 20_000);
    this.isEnabled = options.enabled ?? (() => keptEnabled());
  }

  /** Whether answers are kept now (KEPT_FIGURES, read on each request). */
  enabled(): boolean {
    return this.isEnabled();
  }

  /**
   * The sum of every version, which each committed change to a figure table raises: the tag of
   * an answer that may depend on any figure of the subgraph (kept-responses.ts). One statement.
   */
  async versionSum(): Promise<number> {
    const { rows } = await sql<{ sum: string | number | null }>`SELECT sum(version) AS sum FROM figure_version`.execute(this.db);
    return Number(rows[0]?.sum ?? 0);
  }

  /**
   * The version sum with a lease of `ms` milliseconds on it (grant_figure_lease, the migration
   * 2026_12_05_1100_figure_lease): no change to a figure commits before the lease ends, so the sum
   * stays current until then. `leaseMs` is 0 when no lease was granted (`ms` is 0, or a write is
   * committing now and holds the lease row): the sum is then only current as read, as
   * versionSum's. One statement.
   */
  async leaseVersionSum(ms: number): Promise<{ version: number; leaseMs: number }> {
    const { rows } = await sql<{
      version_sum: string | number;
      leased: boolean;
    }>`SELECT version_sum, leased FROM grant_figure_lease(${Math.max(0, Math.round(ms))})`.execute(this.db);
    return { version: Number(rows[0]?.version_sum ?? 0), leaseMs: rows[0]?.leased ? ms : 0 };
  }

  snapshot(): KeptStats {
    return { ...this.stats, entries: this.entries.size };
  }

  /** The kept loaders of one request: they share one read of the versions per tick. */
  forRequest(): KeptRequest {
    const db = this.db;
    const versions = new DataLoader<'all', Versions>(
      async (keys) => {
        const { rows } = await sql<{ scope: string; version: string | number }>`SELECT scope, version FROM figure_version`.execute(db);
        const byScope = new Map<string, number>();
        let sum = 0;
        for (const r of rows) {
          const v = Number(r.version);
          byScope.set(r.scope, v);
          sum += v;
        }
        return keys.map(() => ({ byScope, sum }));
      },
      // Never from an earlier tick: a mutation of this very request may have moved them since.
      { cache: false },
    );
    return { loader: (field, scopeOf, batch, options) => this.loader(versions, field, scopeOf, batch, options) };
  }

  private loader<K, V>(
    versions: DataLoader<'all', Versions>,
    field: string,
    scopeOf: (key: K) => Scope,
    batch: (keys: readonly K[]) => Promise<ArrayLike<V | Error>>,
    options?: DataLoader.Options<K, V, string>,
  ): DataLoader<K, V, string> {
    // Object keys name their answer by the loader's own cacheKeyFn (String would make every one "[object Object]").
    const idOf = (key: K) => `${field}\u0000${options?.cacheKeyFn ? options.cacheKeyFn(key) : String(key)}`;
    return new DataLoader<K, V, string>(
      async (keys) => {
        if (!this.isEnabled()) return batch(keys);
        const current = await versions.load('all');
        const tags = keys.map((key) => tagOf(current, scopeOf(key)));
        const out: Array<V | Error> = new Array<V | Error>(keys.length);
        const missing: number[] = [];
        keys.forEach((key, i) => {
          const id = idOf(key);
          const entry = this.entries.get(id);
          if (entry && entry.tag === tags[i]) {
            // Least recently used goes first: a hit moves to the end.
            this.entries.delete(id);
            this.entries.set(id, entry);
            out[i] = entry.value as V;
            this.stats.hits++;
          } else missing.push(i);
        });
        if (missing.length === 0) return out;
        this.stats.misses += missing.length;
        const fresh = await batch(missing.map((i) => keys[i]!));
        missing.forEach((i, j) => {
          const value = fresh[j]!;
          out[i] = value;
          if (!(value instanceof Error)) this.keep(idOf(keys[i]!), { tag: tags[i]!, value: deepFreeze(value) });
        });
        return out;
      },
      { ...options, cacheKeyFn: options?.cacheKeyFn ?? ((key: K) => String(key)) },
    );
  }

  private keep(id: string, entry: Entry): void {
    keepRecent(this.entries, id, entry, this.maxEntries);
  }
}

/**
 * Puts an entry last in `entries` (the most recently used; a Map keeps insertion order) and drops
 * the least recently used beyond `max` (0 keeps nothing): the one memory bound of every kept
 * answer (here, kept-responses.ts, gateway/kept-answers.ts).
 */
export function keepRecent<K, V>(entries: Map<K, V>, key: K, value: V, max: number): void {
  if (max === 0) return;
  entries.delete(key);
  entries.set(key, value);
  while (entries.size > max) entries.delete(entries.keys().next().value!);
}

export interface KeptRequest {
  /**
   * A DataLoader whose answers are kept: `field` names what it computes (unique within the
   * subgraph), `scopeOf` says which commune a key is about (or CITY_SCOPE), and `batch` computes
   * the answers of the keys not kept (in their order, like any batch function).
   */
  loader<K, V>(
    field: string,
    scopeOf: (key: K) => Scope,
    batch: (keys: readonly K[]) => Promise<ArrayLike<V | Error>>,
    options?: DataLoader.Options<K, V, string>,
  ): DataLoader<K, V, string>;
}

function tagOf(versions: Versions, scope: Scope): string {
  if (scope === CITY_SCOPE) return `city:${versions.sum}`;
  return `${versions.byScope.get(scope) ?? 0}:${versions.byScope.get('*') ?? 0}`;
}

/** The commune of a key "commune|rest" (departments' loaders use object keys: figure-loaders.ts). */
export const communeOfKey = (key: string): string => key.slice(0, key.indexOf('|'));
/** For loaders whose every key is about the whole city (or every commune at once). */
export const cityScope = (): Scope => CITY_SCOPE;

/** Kept values are shared by every later request: freezing them makes a change throw, in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v);
  } else if (value instanceof Set) {
    for (const v of value.values()) deepFreeze(v);
  } else {
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return Object.freeze(value);
}
