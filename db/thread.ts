import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. Worker threads do not inherit tsx's loader
 * (npm start and the tests both run TypeScript), so the worker's first module, written inline,
 * registers it before importing the real one.
 */
export function startWorker(module: URL, workerData: unknown): Worker {
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData });
}

/** An error as it crosses between threads: its message and the fields callers read (a SQLSTATE `code`, ...). */
export interface ErrorShape {
  message: string;
  [field: string]: unknown;
}

export function errorShape(error: unknown): ErrorShape {
  if (!(error instanceof Error)) return { message: String(error) };
  const shape: ErrorShape = { message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'object') continue;
    shape[key] = value;
  }
  return shape;
}

export function errorFrom(shape: ErrorShape): Error {
  const { message, ...fields } = shape;
  return Object.assign(new Error(message), fields);
}
