import { parentPort, workerData } from 'node:worker_threads';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresQueryResult } from 'kysely';
import type { AnyTables } from '../index.js';
import { withoutSecondaryStructures } from '../bulk.js';
import type { CityPlan } from './plan.js';
import type { GeneratorJob, ToMain, ToWorker } from './workers.js';

// A worker thread of the city data load (workers.ts): runs subgraph generators, whose data
// building is CPU work, off the main thread. Their SQL goes to the main thread, which holds the
// embedded database and runs every worker's statements in the load's one transaction; so the
// generators run unchanged, and the main thread loads one subgraph's rows while this thread
// builds the next ones.

const { jobs, plan } = workerData as { jobs: GeneratorJob[]; plan: CityPlan };
const port = parentPort!;
const waiting = new Map<number, { resolve: (result: PostgresQueryResult<unknown>) => void; reject: (error: Error) => void }>();
let nextId = 0;

port.on('message', (message: ToWorker) => {
  const call = waiting.get(message.id);
  waiting.delete(message.id);
  if (message.error) call?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
  else call?.resolve(message.result as PostgresQueryResult<unknown>);
});

async function send(schema: string, sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<unknown>> {
  const id = nextId++;
  // A Blob (COPY's file, bulk.ts) crosses as bytes handed over, not copied.
  const blob = parameters.length === 1 && parameters[0] instanceof Blob ? new Uint8Array(await parameters[0].arrayBuffer()) : undefined;
  const message: ToMain = blob ? { type: 'query', id, schema, sql, parameters: [], blob } : { type: 'query', id, schema, sql, parameters: [...parameters] };
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    port.postMessage(message, blob ? [blob.buffer] : []);
  });
}

/** Kysely over the main thread's session, in `schema`. */
function databaseFor(schema: string): Kysely<AnyTables> {
  const pool: PostgresPool = {
    connect: async () => ({
      query: ((sql: string, parameters: readonly unknown[]) => send(schema, sql, parameters)) as never,
      release: () => {},
    }),
    end: async () => {},
  };
  return new Kysely<AnyTables>({ dialect: new PostgresDialect({ pool }) });
}

const log = (message: string) => port.postMessage({ type: 'log', message } satisfies ToMain);
try {
  for (const job of jobs) {
    const started = Date.now();
    const { generateCity } = (await import(job.module)) as { generateCity: (db: Kysely<AnyTables>, plan: CityPlan, log: (m: string) => void) => Promise<void> };
    const db = databaseFor(job.schema);
    // The transaction is the main thread's, around the whole load: BEGIN and COMMIT from here are
    // no-ops there, so a generator sees a transaction as it does in-process.
    await db.transaction().execute((trx) =>
      withoutSecondaryStructures(
        trx,
        () => generateCity(trx, plan, log),
        (phase) => log(`${job.subgraph}: ${phase}`),
      ),
    );
    await db.destroy();
    log(`${job.subgraph}: generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  port.postMessage({ type: 'done' } satisfies ToMain);
} catch (error) {
  const failure: ToMain =
    error instanceof Error
      ? { type: 'failed', message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
      : { type: 'failed', message: String(error) };
  port.postMessage(failure);
}
