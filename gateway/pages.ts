import type { Route } from '../platform/http.js';
import { buildAssets } from '../platform/assets.js';
import {
  assetRoutes,
  assetUrl,
  DEFAULT_CLIENT_ID,
  DEFAULT_SCOPES,
  examplesFor,
  pageHtml,
  playgroundPages,
  sendPage,
  type Pages,
  type SignInSettings,
} from '../platform/pages.js';

// The gateway's own pages (the dashboard and the sign-in callback); the page machinery and the
// playground, which every subgraph serves too, are platform/pages.ts.

/**
 * Sign-in for a gateway whose tokens come from a deployment's provider: AUTH_ISSUER when it is
 * a URL (the provider's discovery document is at <issuer>/.well-known/openid-configuration),
 * with AUTH_CLIENT_ID, AUTH_SCOPES and AUTH_RESOURCE. Without an issuer URL, no sign-in: the
 * pages show what the public sees.
 */
export function signInFromEnv(env: NodeJS.ProcessEnv = process.env): SignInSettings | null {
  const issuer = env.AUTH_ISSUER ?? '';
  if (!/^https?:\/\//.test(issuer)) return null;
  return {
    issuer,
    clientId: env.AUTH_CLIENT_ID || DEFAULT_CLIENT_ID,
    scope: env.AUTH_SCOPES || DEFAULT_SCOPES,
    ...(env.AUTH_RESOURCE ? { resource: env.AUTH_RESOURCE } : {}),
  };
}

/** What the dashboard reads from its page (web/dashboard/main.ts). */
export interface DashboardConfig {
  signIn: SignInSettings | null;
  /** The Excel writer's bundle, loaded on the first Excel download. */
  xlsxModule: string;
}

/**
 * The gateway's pages: the playground with every dashboard operation, /dashboard, and, when
 * the pages sign in, /auth/callback, where the identity provider sends the browser back.
 */
export function gatewayPages(title: string, signIn: SignInSettings | null = null): Pages {
  const playground = playgroundPages({ title, examples: () => examplesFor(), links: [{ href: '/dashboard', labelKey: 'app.dashboard' }], signIn });
  const dashboard: Route = async (_req, res) => {
    const assets = await buildAssets();
    const config: DashboardConfig = { signIn, xlsxModule: assetUrl(assets, 'xlsx.js') };
    // dashboard-prefetch first: it sends the page's first requests while the bundle loads.
    sendPage(
      res,
      await pageHtml('dashboard', 'Giảm nghèo Hà Nội', `<div id="app" class="loading">Đang tải… / Loading…</div>`, config, 'dashboard-prefetch'),
      signIn,
    );
  };
  const callback: Route = async (_req, res) => {
    sendPage(
      res,
      await pageHtml('signin-callback', 'Đăng nhập / Sign-in', `<p id="status" style="font: 16px system-ui, sans-serif; padding: 2rem">…</p>`, { signIn }),
      signIn,
    );
  };
  return {
    landingPage: playground.landingPage,
    routes: {
      ...playground.routes,
      ...assetRoutes('dashboard'),
      ...assetRoutes('dashboard-prefetch'),
      ...assetRoutes('xlsx'),
      ...assetRoutes('signin-callback'),
      '/dashboard': dashboard,
      '/auth/callback': callback,
    },
  };
}
