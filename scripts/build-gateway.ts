import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../platform/paths.js';

// npm run build:gateway: the gateway as one JavaScript file, dist/gateway.mjs, which
// `npm run start:gateway` (and so docker compose, the cluster and the benchmark) runs with plain
// node. Run through tsx, the gateway carries tsx's module loader, a second JavaScript heap on a
// thread of its own: about 80 MiB of resident memory that a production process has no use for.
// Packages stay in node_modules (not bundled); only our own modules are joined, in a second.

export const GATEWAY_BUNDLE = 'dist/gateway.mjs';

/**
 * The node flags the built gateway runs with (as `npm run start:gateway` writes them in
 * package.json). The old-space cap (GATEWAY_HEAP_MB, default 224 MiB) makes V8 collect before
 * the heap grows: under 50 clients the gateway otherwise lets garbage pile up to 350-530 MiB
 * resident; with the cap it stays near 200-260 MiB, for at most a tenth of its throughput
 * (docs/performance.md). The request limits (page size, cost) bound what one request holds; a
 * deployment expecting far more concurrent requests raises GATEWAY_HEAP_MB.
 */
export function gatewayNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [`--max-old-space-size=${env.GATEWAY_HEAP_MB || 224}`, '--enable-source-maps'];
}

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
