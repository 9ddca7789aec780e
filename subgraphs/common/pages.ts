import type http from 'node:http';
import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { loadOperations } from '../../schema/operations.js';
import { sendHtml, sendJson, type Route } from './http.js';
import { buildAssets, sendAsset, type Entry } from './assets.js';

/** One preloaded tab of the playground. */
export interface PlaygroundExample {
  name: string;
  query: string;
  /** JSON text for the variables editor. */
  variables: string;
}

/** What the browser code of the playground reads from the page (web/playground/main.tsx). */
export interface PlaygroundConfig {
  title: string;
  /** Where the playground POSTs; relative, so the page works behind any host name. */
  endpoint: string;
  examples: PlaygroundExample[];
  /** Links shown beside the logo (the gateway links its dashboard). */
  links: Array<{ href: string; label: string }>;
}

/** The pages a process serves: its landing page at GET / and the routes for pages and assets. */
export interface Pages {
  landingPage: Route;
  routes: Record<string, Route>;
}

/**
 * Every page asks only its own origin for scripts, styles, fonts and data: the browser refuses
 * anything else, so a stray CDN link would fail loudly instead of calling out. Inline styles
 * are allowed because GraphiQL's editors and Chart.js set element styles.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * graphql-js refuses a schema built by another copy of itself. A subgraph's schema comes from
 * @apollo/subgraph, which `require`s graphql's CommonJS build; a bundler-style resolver (vitest)
 * gives an ESM `import` the .mjs build instead. Requiring it here uses the same copy everywhere.
 */
const { parse, validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** The dashboard operations as playground tabs; with a schema, only those valid against it. */
export function examplesFor(schema?: GraphQLSchema): PlaygroundExample[] {
  return loadOperations()
    .filter((op) => !schema || validate(schema, parse(op.document)).length === 0)
    .map((op) => ({ name: op.name, query: op.document, variables: JSON.stringify(op.variables, null, 2) }));
}

/** GraphiQL at GET / (and for a browser opening /graphql), served from locally built assets. */
export function playgroundPages(config: Omit<PlaygroundConfig, 'endpoint' | 'examples'> & { examples: () => PlaygroundExample[] }): Pages {
  // Read and validated on the first visit, not at start-up (most starts never serve a page).
  let examples: PlaygroundExample[] | undefined;
  const page: Route = async (_req, res) => {
    examples ??= config.examples();
    const html = await pageHtml('playground', config.title, `<div id="root" class="loading">Loading the playground…</div>`, {
      ...config,
      examples,
      endpoint: '/graphql',
    } satisfies PlaygroundConfig);
    sendPage(res, html);
  };
  return { landingPage: page, routes: assetRoutes('playground') };
}

/** The gateway's pages: the playground with every dashboard operation, and /dashboard. */
export function gatewayPages(title: string): Pages {
  const playground = playgroundPages({ title, examples: () => examplesFor(), links: [{ href: '/dashboard', label: 'Dashboard' }] });
  const dashboard: Route = async (_req, res) => {
    // dashboard-prefetch first: it sends the page's first requests while the bundle loads.
    sendPage(res, await pageHtml('dashboard', 'Hanoi poverty reduction: dashboard', `<div id="app" class="loading">Loading the dashboard…</div>`, {}, 'dashboard-prefetch'));
  };
  return {
    landingPage: playground.landingPage,
    routes: { ...playground.routes, ...assetRoutes('dashboard'), ...assetRoutes('dashboard-prefetch'), '/dashboard': dashboard },
  };
}

/** A subgraph's playground, for the department working against its subgraph alone. */
export function subgraphPages(title: string, schema: () => GraphQLSchema): Pages {
  return playgroundPages({ title, examples: () => examplesFor(schema()), links: [] });
}

function assetRoutes(entry: Entry): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const name of [`${entry}.js`, `${entry}.css`]) {
    routes[`/assets/${name}`] = async (req, res) => {
      const asset = (await buildAssets()).get(name);
      if (!asset) return sendJson(res, 404, { error: 'not found' });
      sendAsset(req, res, asset);
    };
  }
  return routes;
}

/**
 * A page: `entry`'s bundle as a module script, and `before` (when given) as a classic async
 * script in the head, which runs as soon as it has arrived rather than after the document and
 * the module scripts before it (its bundle has no imports or exports left, so it is a valid
 * classic script).
 */
async function pageHtml(entry: Entry, title: string, body: string, config: object, before?: Entry): Promise<string> {
  const assets = await buildAssets();
  const url = (name: string) => `/assets/${name}?v=${assets.get(name)?.hash ?? ''}`;
  const css = assets.has(`${entry}.css`) ? `<link rel="stylesheet" href="${url(`${entry}.css`)}">` : '';
  // JSON inside <script> must not close the tag: escape every "<".
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
${css}
${before ? `<script async src="${url(`${before}.js`)}"></script>` : ''}
</head><body>
${body}
<script id="config" type="application/json">${json}</script>
<script type="module" src="${url(`${entry}.js`)}"></script>
</body></html>`;
}

function sendPage(res: http.ServerResponse, html: string): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('cache-control', 'no-cache');
  sendHtml(res, html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
