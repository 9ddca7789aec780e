import fs from 'node:fs';
import path from 'node:path';

/** Where one subgraph's data lives: a PostgreSQL server or the embedded database. */
export type DatabaseTarget = { kind: 'server'; url: string } | { kind: 'embedded'; dataDir: string | undefined; layout: EmbeddedLayout };

/**
 * How the embedded database is laid out: 'shared' (the default), one PGlite on the main thread
 * for every subgraph (DATA_DIR/pglite), each in its schema; or 'per-subgraph', one PGlite for
 * each subgraph in a worker thread of its own and a folder of its own
 * (DATA_DIR/databases/<subgraph>), so that subgraphs run their SQL on several cores at once.
 * EMBEDDED_DATABASES chooses. Per subgraph halves the main thread's CPU a scorecard costs but
 * adds a third to the CPU in all, and on this 2-core machine it served no faster (measured in
 * docs/performance.md, "One embedded database per subgraph"): so it is not the default.
 */
export type EmbeddedLayout = 'shared' | 'per-subgraph';

export function embeddedLayout(env: NodeJS.ProcessEnv): EmbeddedLayout {
  const value = env.EMBEDDED_DATABASES;
  if (value === 'shared' || value === 'per-subgraph') return value;
  if (value) throw new Error(`EMBEDDED_DATABASES must be shared or per-subgraph, got "${value}"`);
  return 'shared';
}

/**
 * `REGISTRY_DATABASE_URL` (one such variable per subgraph) wins over `DATABASE_URL`; with
 * neither, the subgraph uses the embedded PostgreSQL (PGlite). `dataDir` undefined means an
 * in-memory database (tests); otherwise `DATA_DIR` (default `.data`) holds it on disk.
 */
export function databaseTarget(subgraph: string, env: NodeJS.ProcessEnv = process.env, options: { inMemory?: boolean } = {}): DatabaseTarget {
  const url = env[`${subgraph.toUpperCase()}_DATABASE_URL`] || env.DATABASE_URL;
  if (url) return { kind: 'server', url };
  const layout = embeddedLayout(env);
  if (options.inMemory) return { kind: 'embedded', dataDir: undefined, layout };
  const dataDir = env.DATA_DIR || '.data';
  return { kind: 'embedded', layout, dataDir: layout === 'shared' ? path.resolve(dataDir, 'pglite') : path.resolve(dataDir, 'databases', subgraph) };
}

/**
 * A message when DATA_DIR holds the one embedded database of the shared layout (every subgraph
 * in DATA_DIR/pglite) while EMBEDDED_DATABASES=per-subgraph asks for one per subgraph: those
 * start empty and the data set is built in them; the shared folder is left alone, not read, for
 * its owner to delete or to go back to.
 */
export function olderEmbeddedLayout(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (embeddedLayout(env) !== 'per-subgraph') return undefined;
  const dataDir = env.DATA_DIR || '.data';
  const old = path.join(dataDir, 'pglite');
  if (!fs.existsSync(path.join(old, 'PG_VERSION')) || fs.existsSync(path.join(dataDir, 'databases'))) return undefined;
  return (
    `${old} is the embedded database shared by every subgraph. With EMBEDDED_DATABASES=per-subgraph each ` +
    `subgraph has its own, in ${path.join(dataDir, 'databases')}, built now from the data set; what was ` +
    `written to the shared one is not carried over. Start without EMBEDDED_DATABASES to use it again, ` +
    `or delete ${old} to free its space.`
  );
}

/** The Postgres schema a subgraph owns: its name, so `credit` lives in schema `credit`. */
export function schemaName(subgraph: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(subgraph)) throw new Error(`invalid subgraph name "${subgraph}"`);
  return subgraph;
}

/**
 * A whole-number setting ≥ 1 from the environment (a timeout in ms, a count, a limit), or the
 * fallback when unset or empty; anything else stops the process with the setting's name.
 */
export function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}
