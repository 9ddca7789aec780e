import type http from 'node:http';
import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import { loadOperations } from './operations.js';
import { sendHtml, sendJson, type Route } from './http.js';
import { buildAssets, sendAsset, type Entry } from './assets.js';

/** One preloaded tab of the playground. */
export interface PlaygroundExample {
  name: string;
  query: string;
  /** JSON text for the variables editor. */
  variables: string;
}

/**
 * How the pages sign in with OpenID Connect (web/auth/session.ts): the provider's issuer URL,
 * the public client registered there for the pages, and the scopes (and, for providers that
 * want one, the RFC 8707 resource) to ask for.
 */
export interface SignInSettings {
  issuer: string;
  clientId: string;
  scope: string;
  resource?: string;
}

/** The client id the embedded provider registers for the pages, and the default elsewhere. */
export const DEFAULT_CLIENT_ID = 'hanoi-poverty-pages';
/** `roles` asks the embedded provider for the roles and communes claims; `graph` is the API's scope. */
export const DEFAULT_SCOPES = 'openid profile roles graph';

/** What the browser code of the playground reads from the page (web/playground/main.tsx). */
export interface PlaygroundConfig {
  title: string;
  /** Where the playground POSTs; relative, so the page works behind any host name. */
  endpoint: string;
  examples: PlaygroundExample[];
  /** Links shown beside the logo (the gateway links its dashboard), named by a key of web/locales. */
  links: Array<{ href: string; labelKey: string }>;
  /** Sign-in (the gateway's playground, when a provider is configured). */
  signIn: SignInSettings | null;
}

/** The pages a process serves: its landing page at GET / and the routes for pages and assets. */
export interface Pages {
  landingPage: Route;
  routes: Record<string, Route>;
}

/**
 * Every page asks only its own origin for scripts, styles, fonts and data: the browser refuses
 * anything else, so a stray CDN link would fail loudly instead of calling out. The one other
 * address a page may call is the identity provider's, for signing in (discovery, token and
 * revocation endpoints). Inline styles are allowed because GraphiQL's editors and Chart.js set
 * element styles; blob: is the address of a file being downloaded.
 */
function contentSecurityPolicy(signIn: SignInSettings | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${signIn ? ` ${new URL(signIn.issuer).origin}` : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

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
    const html = await pageHtml('playground', config.title, `<div id="root" class="loading">Đang tải… / Loading…</div>`, {
      ...config,
      examples,
      endpoint: '/graphql',
    } satisfies PlaygroundConfig);
    sendPage(res, html, config.signIn);
  };
  return { landingPage: page, routes: assetRoutes('playground') };
}

/** A subgraph's playground, for the department working against its subgraph alone (no sign-in: its headers editor takes a token). */
export function subgraphPages(title: string, schema: () => GraphQLSchema): Pages {
  return playgroundPages({ title, examples: () => examplesFor(schema()), links: [], signIn: null });
}

export function assetUrl(assets: Map<string, { hash: string }>, name: string): string {
  return `/assets/${name}?v=${assets.get(name)?.hash ?? ''}`;
}

export function assetRoutes(entry: Entry): Record<string, Route> {
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
export async function pageHtml(entry: Entry, title: string, body: string, config: object, before?: Entry): Promise<string> {
  const assets = await buildAssets();
  const url = (name: string) => assetUrl(assets, name);
  const css = assets.has(`${entry}.css`) ? `<link rel="stylesheet" href="${url(`${entry}.css`)}">` : '';
  // JSON inside <script> must not close the tag: escape every "<".
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
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

export function sendPage(res: http.ServerResponse, html: string, signIn: SignInSettings | null): void {
  res.setHeader('content-security-policy', contentSecurityPolicy(signIn));
  // The sign-in callback's address holds a one-time code: it goes to no one in a Referer.
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cache-control', 'no-cache');
  sendHtml(res, html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
