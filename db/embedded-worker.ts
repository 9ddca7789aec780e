import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type { EmbeddedEngine, StatementRunner } from './embedded.js';
import { errorFrom, startWorker, type ErrorShape } from './thread.js';

/** Requests to the thread holding an embedded database (embedded-thread.ts). */
export type ToEngine = { id: number } & (
  | { op: 'open' }
  | { op: 'connect'; schema: string }
  | { op: 'query'; connection: number; sql: string; parameters: readonly unknown[]; blob?: Uint8Array<ArrayBuffer> }
  | { op: 'release'; connection: number }
  | { op: 'load-begin' }
  | { op: 'load-run'; schema: string; sql: string; parameters: readonly unknown[]; blob?: Uint8Array<ArrayBuffer> }
  | { op: 'load-end'; ok: boolean }
  | { op: 'close' }
);

/** Its answer to request `id`. */
export interface FromEngine {
  id: number;
  result?: unknown;
  error?: ErrorShape;
}

type Result = { command: string; rowCount: number; rows: unknown[] };

/**
 * An embedded database (PGlite) in a worker thread of its own: the same connections and bulk
 * load as EmbeddedPostgres, whose work then runs on that thread instead of this one. PGlite is
 * WebAssembly on the thread that calls it, so two instances on one thread still take turns;
 * one subgraph's database in each thread lets a request's fetches to several subgraphs, and
 * the city data load of several subgraphs, run on several cores at once.
 */
export class EmbeddedWorker implements EmbeddedEngine {
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromEngine) => {
      const call = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error) call?.reject(errorFrom(message.error));
      else call?.resolve(message.result);
    });
    const stopped = (error: Error) => {
      this.failure ??= error;
      for (const call of this.waiting.values()) call.reject(error);
      this.waiting.clear();
    };
    worker.on('error', stopped);
    worker.on('exit', (code) => stopped(new Error(`the embedded database's thread stopped (exit code ${code})`)));
  }

  /** Starts the thread and opens the database in `dataDir` (in memory when undefined; see EmbeddedPostgres.open). */
  static async open(dataDir: string | undefined, template?: string): Promise<EmbeddedWorker> {
    const engine = new EmbeddedWorker(startWorker(new URL('./embedded-thread.ts', import.meta.url), { dataDir, template }));
    try {
      await engine.call({ op: 'open' });
    } catch (error) {
      await engine.worker.terminate();
      throw error;
    }
    return engine;
  }

  poolFor(schema: string): PostgresPool {
    return {
      connect: async () => {
        // The connect request's id names the connection in the thread.
        const connection = this.nextId;
        await this.call({ op: 'connect', schema });
        return this.client(connection);
      },
      end: async () => {},
    };
  }

  async inOneTransaction<T>(fn: (run: StatementRunner) => Promise<T>): Promise<T> {
    await this.call({ op: 'load-begin' });
    const run: StatementRunner = (schema, sql, parameters, blob) =>
      this.call({ op: 'load-run', schema, sql, parameters, ...(blob ? { blob } : {}) }, blob ? [blob.buffer] : []) as Promise<Result>;
    let value: T;
    try {
      value = await fn(run);
    } catch (error) {
      await this.call({ op: 'load-end', ok: false }).catch(() => {});
      throw error;
    }
    await this.call({ op: 'load-end', ok: true });
    return value;
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    await this.call({ op: 'close' }).catch(() => {});
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.worker.terminate();
  }

  private client(connection: number): PostgresPoolClient {
    const query = async <R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
      // A Blob as the only parameter is the file of a COPY (bulk.ts): its bytes are handed over.
      const file = parameters.length === 1 && parameters[0] instanceof Blob ? new Uint8Array(await parameters[0].arrayBuffer()) : undefined;
      const result = (await this.call(
        { op: 'query', connection, sql, parameters: file ? [] : parameters, ...(file ? { blob: file } : {}) },
        file ? [file.buffer] : [],
      )) as Result;
      return { command: result.command as PostgresQueryResult<R>['command'], rowCount: result.rowCount, rows: result.rows as R[] };
    };
    let released = false;
    return {
      query: query as PostgresPoolClient['query'],
      release: () => {
        if (released) return;
        released = true;
        void this.call({ op: 'release', connection }).catch(() => {});
      },
    };
  }

  private call(request: DistributiveOmit<ToEngine, 'id'>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }
}

/**
 * An empty embedded database in a new temporary folder, for EmbeddedPostgres.open to copy into
 * each new subgraph's folder; the caller removes the folder.
 */
export async function emptyDatabase(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-pglite-'));
  const engine = await EmbeddedWorker.open(path.join(dir, 'data'));
  await engine.close();
  return path.join(dir, 'data');
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
