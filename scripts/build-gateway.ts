import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../subgraphs/common/paths.js';

// npm run build:gateway: the gateway as one JavaScript file, dist/gateway.mjs, which
// `npm run start:gateway` (and so docker compose, the cluster and the benchmark) runs with plain
// node. Run through tsx, the gateway carries tsx's module loader, a second JavaScript heap on a
// thread of its own: about 80 MiB of resident memory that a production process has no use for.
// Packages stay in node_modules (not bundled); only our own modules are joined, in a second.

export const GATEWAY_BUNDLE = 'dist/gateway.mjs';

export async function buildGateway(): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = path.join(PROJECT_ROOT, GATEWAY_BUNDLE);
  await esbuild.build({
    entryPoints: [path.join(PROJECT_ROOT, 'gateway/server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = await buildGateway();
  console.log(`gateway built: ${path.relative(PROJECT_ROOT, outfile)}`);
}
