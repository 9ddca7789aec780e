import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { CopyFile } from './bulk.js';
import { sharedParsers } from './types.js';

/** Runs one statement in a schema (with `blob` as the file of a COPY FROM '/dev/blob'). */
export type StatementRunner = (
  schema: string,
  sql: string,
  parameters: readonly unknown[],
  blob?: Uint8Array<ArrayBuffer>,
) => Promise<{ command: string; rowCount: number; rows: unknown[] }>;

/** An embedded database as Databases and the city data load use it: here or in its own thread (embedded-worker.ts). */
export interface EmbeddedEngine {
  /** A kysely `PostgresPool` whose connections run in `schema` and take turns on the session. */
  poolFor(schema: string): PostgresPool;
  /** Runs `fn` with the session to itself inside one transaction (see EmbeddedPostgres). */
  inOneTransaction<T>(fn: (run: StatementRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * One embedded PostgreSQL (PGlite) on this thread: shared by every subgraph of the process
 * (EMBEDDED_DATABASES=shared, and tests in memory), or one subgraph's in its own thread.
 *
 * PGlite is a single session. Kysely runs a transaction as BEGIN ... COMMIT on one
 * "connection", so two requests sharing the session could interleave their statements inside
 * each other's transactions. The gate below hands the session to one connection at a time:
 * `connect()` waits until the previous holder has called `release()`. Every statement outside
 * a transaction is its own short turn, and a transaction holds its turn from BEGIN to COMMIT.
 *
 * Each subgraph still has its own Postgres schema. On each turn the gate sets `search_path` to
 * the schema of the subgraph that holds it (only when it changes), so subgraph SQL stays
 * unqualified and identical on the embedded database and on a server.
 */
export class EmbeddedPostgres implements EmbeddedEngine {
  private tail: Promise<void> = Promise.resolve();
  private searchPath: string | undefined;
  private lockFile: string | undefined;

  private constructor(readonly pg: PGlite) {}

  /**
   * Opens the database in `dataDir` (in memory when undefined). A folder without a database
   * gets a copy of `template`, an empty database made once (Databases): PGlite's own initdb costs
   * about 10 s of CPU, a copy of its 40 MB a fraction of one.
   */
  static async open(dataDir: string | undefined, template?: string): Promise<EmbeddedPostgres> {
    let lockFile: string | undefined;
    if (dataDir) {
      fs.mkdirSync(dataDir, { recursive: true });
      lockFile = acquireLock(dataDir);
    }
    try {
      if (dataDir && template && !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) fs.cpSync(template, dataDir, { recursive: true });
      const pg = await PGlite.create({
        ...(dataDir ? { dataDir } : {}),
        parsers: sharedParsers,
        // The embedded database serves local use and tests; losing the last moment of writes
        // on a power cut is acceptable there, a slower fsync on every commit is not.
        relaxedDurability: true,
        // Nothing replicates from the embedded database, so its WAL need only serve crash
        // recovery: a table loaded in the transaction that emptied it (the city data load) and
        // an index built then are written without WAL (about a tenth less CPU for a COPY and
        // its index builds).
        postgresqlconf: ['wal_level = minimal', 'max_wal_senders = 0'],
      });
      const engine = new EmbeddedPostgres(pg);
      engine.lockFile = lockFile;
      return engine;
    } catch (error) {
      if (lockFile) fs.rmSync(lockFile, { force: true });
      throw error;
    }
  }

  /** A kysely `PostgresPool` whose connections run in `schema` and take turns on the session. */
  poolFor(schema: string): PostgresPool {
    return {
      connect: async () => {
        const release = await this.turn();
        try {
          if (this.searchPath !== schema) {
            await this.pg.exec(`SET search_path TO "${schema}", public`);
            this.searchPath = schema;
          }
        } catch (error) {
          release();
          throw error;
        }
        return this.client(release);
      },
      // The engine outlives each subgraph's pool; `close()` ends it.
      end: async () => {},
    };
  }

  /** Runs `fn` with the session to itself (for bulk loading outside kysely). */
  async exclusive<T>(schema: string, fn: (pg: PGlite) => Promise<T>): Promise<T> {
    const release = await this.turn();
    try {
      await this.pg.exec(`SET search_path TO "${schema}", public`);
      this.searchPath = schema;
      return await fn(this.pg);
    } finally {
      release();
    }
  }

  /**
   * Runs `fn` with the session to itself inside one transaction, committed when `fn` resolves
   * and rolled back when it throws. `run` executes one statement in a schema; statements from
   * several callers take turns in the order they come. BEGIN, COMMIT and ROLLBACK sent through
   * `run` do nothing: the transaction is this one (the city data load's generators, each in a
   * worker thread, send theirs; see generate/workers.ts).
   */
  async inOneTransaction<T>(fn: (run: StatementRunner) => Promise<T>): Promise<T> {
    const release = await this.turn();
    let queue: Promise<unknown> = Promise.resolve();
    let schemaInUse: string | undefined;
    const run: StatementRunner = (schema, sql, parameters, blob) => {
      const result = queue.then(async () => {
        if (/^\s*(begin|commit|rollback)\s*;?\s*$/i.test(sql)) return { command: sql.trim().toUpperCase(), rowCount: 0, rows: [] };
        if (schemaInUse !== schema) {
          await this.pg.exec(`SET search_path TO "${schema}", public`);
          schemaInUse = schema;
        }
        const r = blob ? await this.pg.query(sql, [], { blob: new CopyFile(blob) }) : await this.pg.query(sql, parameters as unknown[]);
        return { command: ((r as { command?: string }).command ?? 'SELECT').toUpperCase(), rowCount: r.affectedRows ?? r.rows.length, rows: r.rows };
      });
      queue = result.catch(() => {});
      return result;
    };
    try {
      // Index builds of the load sort in memory rather than in temporary files.
      await this.pg.exec(`BEGIN; SET LOCAL maintenance_work_mem = '256MB'`);
      try {
        const value = await fn(run);
        await queue;
        await this.pg.exec('COMMIT');
        return value;
      } catch (error) {
        await queue;
        await this.pg.exec('ROLLBACK');
        throw error;
      }
    } finally {
      // The next turn sets its own schema.
      this.searchPath = undefined;
      release();
    }
  }

  async close(): Promise<void> {
    await this.tail;
    if (!this.pg.closed) await this.pg.close();
    if (this.lockFile) fs.rmSync(this.lockFile, { force: true });
  }

  private turn(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    // PGlite answers in the same thread, so a queue of turns (a migration's statements, a burst
    // of requests) passes from one to the next without the event loop going round: no timer,
    // no socket and no signal is served until the queue is empty. Ctrl-C during `npm start`'s
    // migrations came through seconds later, after the subgraphs were up. When the loop has not
    // gone round for a while, the next turn waits for it to. (`release` resolves a promise, so
    // a second call does nothing.)
    return previous.then(() => (loopStarved() ? new Promise<void>((resolve) => setImmediate(resolve)).then(() => release) : release));
  }

  private client(release: () => void): PostgresPoolClient {
    const pg = this.pg;
    const query = async <R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
      // A Blob as the only parameter is the file of a `COPY ... FROM '/dev/blob'` (bulk.ts).
      const blob = parameters.length === 1 && parameters[0] instanceof Blob ? parameters[0] : undefined;
      const result = blob ? await pg.query<R>(sql, [], { blob }) : await pg.query<R>(sql, parameters as unknown[]);
      const command = ((result as { command?: string }).command ?? 'SELECT').toUpperCase();
      return {
        command: command as PostgresQueryResult<R>['command'],
        rowCount: result.affectedRows ?? result.rows.length,
        rows: result.rows,
      };
    };
    return { query: query as PostgresPoolClient['query'], release };
  }
}

/** How long a queue of turns may keep the event loop from going round (milliseconds). */
const STARVED_MS = 20;
/** Since when a check that the loop goes round has waited (undefined: none is waiting). */
let waitingSince: number | undefined;

/**
 * Whether the event loop has not gone round for STARVED_MS: a `setImmediate` set by an earlier
 * call has still not run. The first call sets one and answers no.
 */
function loopStarved(): boolean {
  const now = performance.now();
  if (waitingSince === undefined) {
    waitingSince = now;
    setImmediate(() => (waitingSince = undefined));
    return false;
  }
  return now - waitingSince > STARVED_MS;
}

/**
 * PGlite has no postmaster.pid: two processes opening one data folder would corrupt it. A lock
 * file with our pid refuses the second one with a clear message instead.
 */
function acquireLock(dataDir: string): string {
  const lockFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`);
  try {
    fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return lockFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    if (pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${pid}. Stop it, or set DATA_DIR ` +
          `to another folder, or DATABASE_URL to a PostgreSQL server.`,
        { cause: error },
      );
    }
    // A stale lock from a process that died: take it over.
    fs.writeFileSync(lockFile, String(process.pid));
    return lockFile;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
