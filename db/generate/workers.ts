import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startWorker } from '../thread.js';
import type { EmbeddedEngine, StatementRunner } from '../embedded.js';
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
 * of its own: in workers it runs beside the embedded databases, so on two cores one subgraph's
 * rows are built while another's are loaded (and, with a database per subgraph in its own
 * thread, while another's are loaded too). `engines` names the database of each schema. Each
 * database runs its statements in one transaction, in the order they arrive, each in its
 * subgraph's schema, and every transaction commits only once every generator has finished:
 * the load is all or nothing (a fresh database stays fresh and the next start tries again),
 * and the first failure stops every worker and rolls every database back.
 */
export async function generateInWorkers(
  engines: ReadonlyMap<string, EmbeddedEngine>,
  groups: GeneratorJob[][],
  plan: CityPlan,
  log: (message: string) => void,
): Promise<void> {
  let settle!: (error?: unknown) => void;
  // The reason is the failure a generator or a load threw (an Error, or what a worker posted).
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  const generated = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  generated.catch(() => {});
  const loads = [...new Set(engines.values())].map((engine) => {
    let begun!: (run: StatementRunner) => void;
    const runner = new Promise<StatementRunner>((resolve) => (begun = resolve));
    const transaction = engine.inOneTransaction(async (run) => {
      begun(run);
      await generated;
    });
    const ended = transaction.then(() => Promise.reject(new Error('the load ended before it began')));
    ended.catch(() => {});
    return { engine, runner: Promise.race([runner, ended]), transaction };
  });
  let failure: unknown;
  try {
    const runners = new Map<EmbeddedEngine, StatementRunner>();
    for (const load of loads) runners.set(load.engine, await load.runner);
    const run: StatementRunner = (schema, sql, parameters, blob) => {
      const engine = engines.get(schema);
      if (!engine) return Promise.reject(new Error(`no embedded database for schema ${schema}`));
      return runners.get(engine)!(schema, sql, parameters, blob);
    };
    await runWorkers(run, groups, plan, log);
  } catch (error) {
    failure = error;
  }
  settle(failure);
  const ends = await Promise.allSettled(loads.map((load) => load.transaction));
  // Rethrown as caught: an Error from a generator or a database (its code kept), or a worker's.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (failure) throw failure;
  for (const end of ends) if (end.status === 'rejected') throw end.reason;
}

/** Runs each group's generators in a worker, their statements through `run`, until all are done or one fails. */
async function runWorkers(run: StatementRunner, groups: GeneratorJob[][], plan: CityPlan, log: (message: string) => void): Promise<void> {
  const workers: Worker[] = [];
  const bundle = await bundleWorker(groups.flat().map((job) => job.module)).catch((error: Error) => {
    log(`generator workers: not bundled (${error.message.split('\n')[0]}); each loads its TypeScript through tsx`);
    return undefined;
  });
  try {
    await Promise.all(
      groups.map(
        (jobs) =>
          new Promise<void>((resolve, reject) => {
            const workerData = { jobs: bundle ? jobs.map((job) => ({ ...job, module: bundle.modules.get(job.module)! })) : jobs, plan };
            const worker = bundle ? new Worker(bundle.worker, { workerData, resourceLimits: GENERATOR_LIMITS }) : startWorker(WORKER, workerData);
            workers.push(worker);
            let finished = false;
            worker.on('message', (message: ToMain) => {
              if (message.type === 'log') log(message.message);
              else if (message.type === 'done') {
                finished = true;
                resolve();
              } else if (message.type === 'failed') {
                finished = true;
                // The generator's own error, with the stack it had in the worker.
                reject(Object.assign(new Error(message.message), message.stack ? { stack: message.stack } : {}));
              } else {
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
    bundle?.dispose();
  }
}

const WORKER = new URL('./worker.ts', import.meta.url);

/**
 * A generator builds hundreds of thousands of records that live until they are loaded: with
 * V8's default young generation (16 MB semi-spaces) each is copied by scavenge after scavenge
 * before it is promoted, and credit's worker spent a quarter of its time collecting. 64 MB
 * semi-spaces halve that (at scale 1, for some hundreds of MB more while the load runs).
 */
const GENERATOR_LIMITS = { maxYoungGenerationSizeMb: 192 };

/**
 * The load's worker and the generators' modules (file: URLs) bundled by esbuild into plain
 * JavaScript in a temporary folder, their shared code in common chunks. A worker started on
 * TypeScript registers tsx, whose module hooks run in a thread of their own per worker and
 * compile every module the generator imports: 0.5-0.8 s of CPU per worker at every start,
 * where one esbuild run for all of them costs a fraction of a second (in its own process).
 * Everything is bundled (kysely too), as the folder has no node_modules to resolve from.
 */
async function bundleWorker(modules: readonly string[]): Promise<{ worker: URL; modules: Map<string, string>; dispose: () => void }> {
  const esbuild = await import('esbuild');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-load-'));
  try {
    const entries = [WORKER.href, ...modules];
    const result = await esbuild.build({
      entryPoints: entries.map((href) => fileURLToPath(href)),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir,
      // Named after the entry's path from the common folder; the metafile maps each to its entry.
      entryNames: '[dir]/[name]',
      metafile: true,
      logLevel: 'silent',
    });
    const bundled = new Map<string, string>();
    for (const [output, meta] of Object.entries(result.metafile.outputs)) {
      if (meta.entryPoint) bundled.set(pathToFileURL(path.resolve(meta.entryPoint)).href, pathToFileURL(path.resolve(output)).href);
    }
    const missing = entries.filter((href) => !bundled.has(href));
    if (missing.length) throw new Error(`esbuild gave no output for ${missing.join(', ')}`);
    // Removed when the load ends, or when the process exits first (a Ctrl-C during the load).
    const remove = () => fs.rmSync(outdir, { recursive: true, force: true });
    process.once('exit', remove);
    const dispose = () => {
      process.off('exit', remove);
      remove();
    };
    return { worker: new URL(bundled.get(WORKER.href)!), modules: bundled, dispose };
  } catch (error) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}
