import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import type http from 'node:http';
import { projectUrl } from './paths.js';

/** One built file, served from memory. */
export interface Asset {
  contentType: string;
  body: Buffer;
  /** The same bytes gzipped once at build time (GraphiQL's bundle shrinks about 4x). */
  gzip: Buffer;
  /** Content hash: pages ask for `/assets/<name>?v=<hash>`, so the file can be cached forever. */
  hash: string;
}

export const WEB_DIR = fileURLToPath(projectUrl('web/'));

/**
 * The bundles the pages load: each entry's JS and CSS. `xlsx` (exceljs, about 1 MB) is loaded
 * by the dashboard only when someone downloads an Excel file; `signin-callback` is the page
 * the identity provider sends the browser back to.
 */
export const ENTRIES = {
  playground: 'playground/main.tsx',
  dashboard: 'dashboard/main.ts',
  'dashboard-prefetch': 'dashboard/prefetch.ts',
  xlsx: 'dashboard/xlsx.ts',
  'signin-callback': 'auth/callback.ts',
} as const;
export type Entry = keyof typeof ENTRIES;

let building: Promise<Map<string, Asset>> | undefined;

/**
 * Bundles web/ with esbuild into memory, once per process, on first use. Building at run time
 * (rather than committing bundles or a build step) means `npm start` on a fresh clone serves
 * the pages with nothing else to run, and a bundle can never be stale against its sources;
 * esbuild takes a second or two. esbuild is imported lazily so that processes that never serve
 * a page (tests, the CLI scripts) never load it.
 */
export function buildAssets(): Promise<Map<string, Asset>> {
  building ??= build().catch((error: unknown) => {
    building = undefined; // let the next request try again (after a fix to web/, say)
    throw error;
  });
  return building;
}

async function build(): Promise<Map<string, Asset>> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: WEB_DIR,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, `./${file}`])),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    // React and the libraries pick their production code paths from this.
    define: { 'process.env.NODE_ENV': '"production"' },
    // Fonts and images stay inside the CSS, so the page asks no other host (nor another path) for
    // them; the dashboard imports schema/operations/*.graphql as text.
    loader: { '.graphql': 'text', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    legalComments: 'none',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const body = Buffer.from(file.contents);
    assets.set(name, {
      contentType: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      body,
      gzip: zlib.gzipSync(body),
      hash: crypto.createHash('sha256').update(body).digest('hex').slice(0, 16),
    });
  }
  return assets;
}

/** Sends a built asset, gzipped when the client takes gzip. */
export function sendAsset(req: http.IncomingMessage, res: http.ServerResponse, asset: Asset): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.statusCode = 200;
  res.setHeader('content-type', asset.contentType);
  // The URL carries the content hash, so a cached copy is never stale.
  res.setHeader('cache-control', 'public, max-age=31536000, immutable');
  res.setHeader('vary', 'accept-encoding');
  if (gzip) res.setHeader('content-encoding', 'gzip');
  res.end(gzip ? asset.gzip : asset.body);
}
