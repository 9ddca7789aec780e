import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EmbeddedPostgres } from '../embedded.js';
import type { CityPlan } from './plan.js';

/** One subgraph's generator, as a worker runs it. */
export interface GeneratorJob {
  subgraph: string;
  schema: string;
  /** file: URL of the module exporting the subgraph's generateCity. */
  module: string;
}

/** Messages from a worker: a statement to run, a progress line, the end. */
export type ToMain =
  | { type: 'query'; id: number; schema: string; sql: string; parameters: unknown[]; blob?: Uint8Array<ArrayBuffer> }
  | { type: 'log'; message: string }
  | { type: 'done' }
  | { type: 'failed'; message: string; stack?: string };

/** The answer to a statement. */
export interface ToWorker {
  id: number;
  result?: { command: string; rowCount: number; rows: unknown[] };
  error?: { message: string; code?: string };
}

/**
 * Generates the city data set on the embedded database with the generators in worker threads,
 * `groups` of jobs, one worker per group, all at once. Building a subgraph's rows is CPU work
 * of its own: in workers it runs beside the embedded database (which lives on this thread and
 * runs one statement at a time), so on two cores one subgraph's rows are built while another's
 * are loaded. Every worker's statements run in one transaction, in the order they arrive, each
 * in its subgraph's schema: the load is all or nothing (a fresh database stays fresh and the
 * next start tries again), and the first failure stops every worker.
 */
export async function generateInWorkers(engine: EmbeddedPostgres, groups: GeneratorJob[][], plan: CityPlan, log: (message: string) => void): Promise<void> {
  await engine.inOneTransaction(async (run) => {
    const workers: Worker[] = [];
    try {
      await Promise.all(
        groups.map(
          (jobs) =>
            new Promise<void>((resolve, reject) => {
              const worker = startWorker(new URL('./worker.ts', import.meta.url), { jobs, plan });
              workers.push(worker);
              let finished = false;
              worker.on('message', (message: ToMain) => {
                if (message.type === 'log') log(message.message);
                else if (message.type === 'done') {
                  finished = true;
                  resolve();
                }
                else if (message.type === 'failed') {
                  finished = true;
                  // The generator's own error, with the stack it had in the worker.
                  reject(Object.assign(new Error(message.message), message.stack ? { stack: message.stack } : {}));
                }
                else {
                  run(message.schema, message.sql, message.parameters, message.blob).then(
                    (result) => worker.postMessage({ id: message.id, result } satisfies ToWorker),
                    (error: Error & { code?: string }) =>
                      worker.postMessage({ id: message.id, error: { message: error.message, ...(error.code ? { code: error.code } : {}) } } satisfies ToWorker),
                  );
                }
              });
              worker.on('error', reject);
              worker.on('exit', (code) => {
                if (!finished) reject(new Error(`the generator worker of ${jobs.map((j) => j.subgraph).join(', ')} stopped (exit code ${code})`));
              });
            }),
        ),
      );
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });
}

/**
 * A worker thread running a TypeScript module. Worker threads do not inherit tsx's loader
 * (npm start and the tests both run TypeScript), so the worker's first module, written inline,
 * registers it before importing the real one.
 */
function startWorker(module: URL, workerData: unknown): Worker {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}
