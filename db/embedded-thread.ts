import { parentPort, workerData } from 'node:worker_threads';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { CopyFile } from './bulk.js';
import { EmbeddedPostgres, type StatementRunner } from './embedded.js';
import { errorShape } from './thread.js';
import type { ToEngine, FromEngine } from './embedded-worker.js';

// A worker thread that holds one subgraph's embedded database (embedded-worker.ts). PGlite runs
// on the thread that calls it; here that is this thread, so the main thread (the gateway and
// the subgraph servers) and the other subgraphs' databases run beside it on the other cores.
// The main thread's connections and the city data load reach the engine by messages; the
// engine's own gate (embedded.ts) still hands its one session to one connection at a time.

const { dataDir, template } = workerData as { dataDir: string | undefined; template: string | undefined };
const port = parentPort!;
const opening = EmbeddedPostgres.open(dataDir, template);
opening.catch(() => {}); // reported to each caller below
const pools = new Map<string, PostgresPool>();
const clients = new Map<number, PostgresPoolClient>();
/** The city data load's transaction, while one is open: its statement runner and how to end it. */
let load: { run: StatementRunner; end: (ok: boolean) => void } | undefined;

const reply = (message: FromEngine, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function handle(message: ToEngine): Promise<unknown> {
  const engine = await opening;
  switch (message.op) {
    case 'open':
      return null;
    case 'connect': {
      let pool = pools.get(message.schema);
      if (!pool) pools.set(message.schema, (pool = engine.poolFor(message.schema)));
      clients.set(message.id, await pool.connect());
      return null;
    }
    case 'query': {
      const client = clients.get(message.connection);
      if (!client) throw new Error('the embedded database connection was released');
      const parameters = message.blob ? [new CopyFile(message.blob)] : message.parameters;
      const result = await client.query(message.sql, parameters);
      return { command: result.command, rowCount: result.rowCount, rows: result.rows };
    }
    case 'release':
      clients.get(message.connection)?.release();
      clients.delete(message.connection);
      return null;
    case 'load-begin':
      return new Promise<null>((begun, failed) => {
        const finished = engine.inOneTransaction(
          (run) =>
            new Promise<void>((resolve, reject) => {
              load = { run, end: (ok) => (ok ? resolve() : reject(new Error('rolled back'))) };
              begun(null);
            }),
        );
        finished.catch(failed);
        loadFinished = finished.then(
          () => null,
          (error: Error) => (error.message === 'rolled back' ? null : Promise.reject(error)),
        );
      });
    case 'load-run':
      if (!load) throw new Error('no load in progress');
      return load.run(message.schema, message.sql, message.parameters, message.blob);
    case 'load-end': {
      if (!load) throw new Error('no load in progress');
      load.end(message.ok);
      load = undefined;
      return loadFinished;
    }
    case 'close':
      await engine.close();
      return null;
  }
}
let loadFinished: Promise<null> = Promise.resolve(null);

port.on('message', (message: ToEngine) => {
  handle(message).then(
    (result) => {
      reply({ id: message.id, result });
      if (message.op === 'close') port.close();
    },
    (error) => reply({ id: message.id, error: errorShape(error) }),
  );
});
