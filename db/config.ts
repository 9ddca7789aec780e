import path from 'node:path';

/** Where one subgraph's data lives: a PostgreSQL server or the embedded database. */
export type DatabaseTarget =
  | { kind: 'server'; url: string }
  | { kind: 'embedded'; dataDir: string | undefined };

/**
 * `REGISTRY_DATABASE_URL` (one such variable per subgraph) wins over `DATABASE_URL`; with
 * neither, the subgraph uses the embedded PostgreSQL (PGlite). `dataDir` undefined means an
 * in-memory database (tests); otherwise `DATA_DIR` (default `.data`) holds it on disk.
 */
export function databaseTarget(
  subgraph: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { inMemory?: boolean } = {},
): DatabaseTarget {
  const url = env[`${subgraph.toUpperCase()}_DATABASE_URL`] || env.DATABASE_URL;
  if (url) return { kind: 'server', url };
  if (options.inMemory) return { kind: 'embedded', dataDir: undefined };
  return { kind: 'embedded', dataDir: path.resolve(env.DATA_DIR || '.data', 'pglite') };
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
