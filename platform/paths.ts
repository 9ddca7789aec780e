import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The repository's root: the nearest directory above this module that holds a package.json.
 * Found rather than written as '../../', so that the code finds config/, schema/ and web/ both
 * as TypeScript modules (tsx) and bundled into one file (dist/gateway.mjs, `npm run build:gateway`),
 * where every module's import.meta.url is the bundle's.
 */
export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A file or directory of the repository (a directory keeps its trailing slash). */
export function projectUrl(relative: string): URL {
  return pathToFileURL(path.join(PROJECT_ROOT, relative));
}

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
