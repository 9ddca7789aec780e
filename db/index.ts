import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import { databaseTarget, positiveIntegerFromEnv, schemaName } from './config.js';
import { EmbeddedPostgres, type EmbeddedEngine } from './embedded.js';
import { EmbeddedWorker, emptyDatabase } from './embedded-worker.js';
import { sharedParsers } from './types.js';

export { schemaName } from './config.js';

/**
 * The tables of a subgraph's database, to code that runs alike on every subgraph's schema: the
 * platform's start-up, migrations, bulk loads, audit trail and kept answers. That code names
 * its tables by string, as kysely advises for such code (its own Migration type takes a
 * `Kysely<any>`); each subgraph's own code keeps its typed tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type AnyTables = any;

/** Counts the SQL statements each subgraph sent, for the N+1 guards and the benchmarks. */
export class StatementCounter {
  private readonly counts = new Map<string, number>();
  add(subgraph: string): void {
    this.counts.set(subgraph, (this.counts.get(subgraph) ?? 0) + 1);
  }
  get(subgraph?: string): number {
    if (subgraph) return this.counts.get(subgraph) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }
  reset(): void {
    this.counts.clear();
  }
}

export interface DatabasesOptions {
  env?: NodeJS.ProcessEnv;
  /** Embedded database in memory instead of on disk (tests). Ignored when a URL is set. */
  inMemory?: boolean;
  /** Connections per subgraph pool on a server. */
  poolSize?: number;
}

/**
 * How long one statement may run, and wait for a lock, in a session that serves requests
 * (DB_STATEMENT_TIMEOUT_MS, default 15000; DB_LOCK_TIMEOUT_MS, default 5000). Loading the city
 * data set and migrations run in sessions without them.
 */
export function servingTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): { statementTimeoutMs: number; lockTimeoutMs: number } {
  const read = (name: string, fallback: number) => positiveIntegerFromEnv(env, name, fallback);
  return { statementTimeoutMs: read('DB_STATEMENT_TIMEOUT_MS', 15_000), lockTimeoutMs: read('DB_LOCK_TIMEOUT_MS', 5000) };
}

/**
 * The factory every subgraph gets its Kysely instance from. Each subgraph works inside its own
 * Postgres schema: on a server through its own pool whose sessions have that `search_path`; on
 * the embedded database through a session's turn-taking gate (embedded.ts), of the subgraph's
 * own database in its own thread (embedded-worker.ts) or of one shared by every subgraph.
 */
export class Databases {
  readonly statements = new StatementCounter();
  /** Open embedded databases: 'shared' for the one of every subgraph, else by subgraph. */
  private readonly embedded = new Map<string, Promise<EmbeddedEngine>>();
  /** The empty database new subgraph folders are copied from, once one is needed. */
  private template: Promise<string> | undefined;
  private readonly instances = new Map<string, Kysely<AnyTables>>();
  private readonly servingInstances = new Map<string, Kysely<AnyTables>>();
  private readonly pools: pg.Pool[] = [];

  constructor(private readonly options: DatabasesOptions = {}) {}

  /** True when the named subgraph runs on the embedded database. */
  isEmbedded(subgraph: string): boolean {
    return databaseTarget(subgraph, this.env, this.options).kind === 'embedded';
  }

  /** Describes where a subgraph's data lives, for start-up messages (no passwords). */
  describe(subgraph: string): string {
    const target = databaseTarget(subgraph, this.env, this.options);
    if (target.kind === 'server') {
      const url = new URL(target.url);
      return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}, schema ${schemaName(subgraph)}`;
    }
    if (target.layout === 'per-subgraph')
      return `embedded PostgreSQL of its own in a thread of its own (${target.dataDir ?? 'in memory'}), schema ${schemaName(subgraph)}`;
    return `embedded PostgreSQL shared by every subgraph (${target.dataDir ?? 'in memory'}), schema ${schemaName(subgraph)}`;
  }

  kysely<DB>(subgraph: string): Kysely<DB> {
    return this.open<DB>(subgraph, false);
  }

  /**
   * The instance a subgraph serves requests with. On a server its sessions have a statement
   * timeout and a lock timeout (servingTimeoutsFromEnv), so a lock held on a department's
   * tables or a runaway query fails that request in seconds instead of hanging it (and the
   * subgraph's /ready) for as long as the lock lasts. The embedded database is one session
   * whose connections take turns, so there is no lock to wait for and the same instance serves;
   * there the gateway's subgraph timeout bounds a caller's wait.
   */
  serving<DB>(subgraph: string): Kysely<DB> {
    return this.open<DB>(subgraph, databaseTarget(subgraph, this.env, this.options).kind === 'server');
  }

  private open<DB>(subgraph: string, withTimeouts: boolean): Kysely<DB> {
    const instances = withTimeouts ? this.servingInstances : this.instances;
    const existing = instances.get(subgraph);
    if (existing) return existing as Kysely<DB>;
    const schema = schemaName(subgraph);
    const target = databaseTarget(subgraph, this.env, this.options);
    let dialect: PostgresDialect;
    if (target.kind === 'server') {
      const pool = new pg.Pool({
        connectionString: target.url,
        max: this.options.poolSize ?? Number(this.env.DB_POOL_SIZE || 5),
        options: `-c search_path=${schema},public${withTimeouts ? timeoutOptions(servingTimeoutsFromEnv(this.env)) : ''}`,
        types: { getTypeParser: serverTypeParser as never },
      });
      // A session that dies while idle in the pool (a server restart, a terminated backend) is
      // reported here and dropped; the next query opens a new one. Without a listener, node-postgres
      // raises it as an unhandled error and takes the process down.
      pool.on('error', (error) => console.error(`database session of ${subgraph} closed: ${error.message}`));
      this.pools.push(pool);
      dialect = new PostgresDialect({ pool });
    } else {
      const key = target.layout === 'shared' ? 'shared' : subgraph;
      let engine: Promise<EmbeddedEngine> | undefined = this.embedded.get(key);
      if (!engine) {
        engine = target.layout === 'shared' ? EmbeddedPostgres.open(target.dataDir) : this.openOwn(target.dataDir);
        this.embedded.set(key, engine);
      }
      dialect = new PostgresDialect({ pool: async () => (await engine).poolFor(schema) });
    }
    const db = new Kysely<DB>({
      dialect,
      log: (event) => {
        if (event.level === 'query') this.statements.add(subgraph);
      },
    });
    instances.set(subgraph, db);
    return db;
  }

  /** A subgraph's own embedded database in its thread; a new folder starts as a copy of one empty database made once. */
  private async openOwn(dataDir: string | undefined): Promise<EmbeddedEngine> {
    if (!dataDir || fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return EmbeddedWorker.open(dataDir);
    this.template ??= emptyDatabase();
    return EmbeddedWorker.open(dataDir, await this.template);
  }

  /** The embedded database a subgraph runs on, opened if need be (bulk loading uses it directly); undefined on a server. */
  async embeddedEngine(subgraph: string): Promise<EmbeddedEngine | undefined> {
    const target = databaseTarget(subgraph, this.env, this.options);
    if (target.kind === 'server') return undefined;
    this.kysely(subgraph);
    return await this.embedded.get(target.layout === 'shared' ? 'shared' : subgraph);
  }

  async close(): Promise<void> {
    for (const db of [...this.instances.values(), ...this.servingInstances.values()]) await db.destroy();
    this.instances.clear();
    this.servingInstances.clear();
    for (const pool of this.pools) if (!pool.ended) await pool.end().catch(() => {});
    const engines = [...this.embedded.values()];
    this.embedded.clear();
    await Promise.all(engines.map(async (opening) => (await opening.catch(() => undefined))?.close()));
    const template = await this.template?.catch(() => undefined);
    this.template = undefined;
    if (template) fs.rmSync(path.dirname(template), { recursive: true, force: true });
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }
}

function timeoutOptions(t: { statementTimeoutMs: number; lockTimeoutMs: number }): string {
  // A transaction left open by a crashed request must not hold its locks forever either.
  return ` -c statement_timeout=${t.statementTimeoutMs} -c lock_timeout=${t.lockTimeoutMs} -c idle_in_transaction_session_timeout=${Math.max(60_000, t.statementTimeoutMs * 2)}`;
}

function serverTypeParser(oid: number, format?: string): (value: string) => unknown {
  const parse = sharedParsers[oid];
  if (parse) return parse;
  return pg.types.getTypeParser(oid, (format ?? 'text') as 'text') as (value: string) => unknown;
}

export interface MigrationLog {
  (message: string): void;
}

/**
 * Brings a subgraph's schema up to date: creates its Postgres schema, then runs its kysely
 * migrations with the migration table inside that schema (so each subgraph tracks its own).
 * Throws on the first failure, after logging which migration failed.
 */
function migratorFor(db: Kysely<AnyTables>, subgraph: string, migrations: Record<string, Migration>): Migrator {
  const schema = schemaName(subgraph);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
    migrationTableName: 'kysely_migration',
    migrationLockTableName: 'kysely_migration_lock',
  });
}

/** Names of the subgraph's migrations that have not run yet (readiness). */
export async function pendingMigrations(db: Kysely<AnyTables>, subgraph: string, migrations: Record<string, Migration>): Promise<string[]> {
  const all = await migratorFor(db, subgraph, migrations).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

export async function migrateSubgraph(
  db: Kysely<AnyTables>,
  subgraph: string,
  migrations: Record<string, Migration>,
  log: MigrationLog = () => {},
): Promise<void> {
  const schema = schemaName(subgraph);
  // PostgreSQL checks CREATE on the database even for IF NOT EXISTS; a subgraph role that owns
  // its schema (npm run start:cluster) has no such right, so create the schema only when missing.
  const { rows } = await sql<{ found: number }>`SELECT 1 AS found FROM pg_namespace WHERE nspname = ${schema}`.execute(db);
  if (rows.length === 0) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const { error, results } = await migratorFor(db, subgraph, migrations).migrateToLatest();
  for (const result of results ?? []) {
    log(`${subgraph}: migration ${result.migrationName} ${result.status === 'Success' ? 'applied' : result.status.toLowerCase()}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever the driver threw, as text
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
