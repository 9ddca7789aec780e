import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import i18next from 'i18next';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import en from '../web/locales/en.json' with { type: 'json' };
import vi from '../web/locales/vi.json' with { type: 'json' };
import { DEFAULT_CLIENT_ID } from '../platform/pages.js';
import type { DemoAccount } from './accounts.js';
import { memoryAdapter } from './memory-adapter.js';

/**
 * A real OpenID provider on this machine's loopback address, for `npm start`: oidc-provider
 * (the certified Node implementation) with the demo accounts of config/demo-accounts.json, so
 * that the dashboard and the playground sign in as they would with a city's provider (Keycloak,
 * Azure AD): authorization code with PKCE, access tokens as JWTs signed with its own RS256 key
 * and published at its JWKS, which the gateway and every subgraph verify. The access token
 * carries what the access policy reads: `sub`, `roles` and, for a caseworker, `communes`.
 *
 * Only the pages' client is registered (public: a browser keeps no secret), only for the
 * gateway's own address, and consent is not asked (the pages are the graph's own). Nothing here
 * calls another host, and its pages load nothing from one.
 */

export interface IdentityProviderOptions {
  host: string;
  /** 0: a free port. */
  port: number;
  accounts: DemoAccount[];
  /** The access tokens' `aud`: what the graph expects (AUTH_AUDIENCE). */
  audience: string;
  /**
   * Where the signing key and the cookie keys are kept, so that a restart does not change the
   * keys the graph trusts; made on the first start (mode 600). In memory when absent (tests).
   */
  keysFile?: string;
  /** Access-token lifetime in seconds (10 minutes); the pages renew before it ends. */
  accessTokenTtl?: number;
}

export interface IdentityProvider {
  /** The issuer (`iss`) and the base of its discovery document. */
  issuer: string;
  jwksUrl: string;
  clientId: string;
  /**
   * Lets the pages served at `origins` (the gateway, by each address a browser may use for it)
   * sign in: registers their callback (/auth/callback) and sign-out return addresses. Until
   * then the provider answers 503: its server starts first so that the graph knows its
   * address, the gateway's comes later.
   */
  admit(origins: string[]): void;
  close(): Promise<void>;
}

/** The resource server of the pages' access tokens: the scope they carry. */
const GRAPH_SCOPE = 'graph';

interface Keys {
  signing: JWK;
  cookies: string[];
}

async function newKeys(): Promise<Keys> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: crypto.randomUUID() };
  return { signing, cookies: [crypto.randomBytes(32).toString('base64url')] };
}

/** The keys of an earlier start, or new ones kept for the next (the first writer wins, as with the auth secret). */
async function keysFrom(file: string | undefined): Promise<Keys> {
  if (!file) return newKeys();
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`${file}: ${(error as Error).message}; delete it to make new keys`, { cause: error });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, JSON.stringify(await newKeys()), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Keys;
}

// The provider's pages speak the pages' language (ui_locales from the sign-in request), with
// the same words files and library as the pages.
const words = i18next.createInstance();
void words.init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  fallbackLng: false,
  initAsync: false,
  interpolation: { escapeValue: true },
});
type Language = 'vi' | 'en';
const languageOf = (uiLocales: unknown): Language => (typeof uiLocales === 'string' && /^en\b/.test(uiLocales) ? 'en' : 'vi');
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- t() is typed string | object; the rule's generic form does not compile
const say = (lang: Language, key: string) => words.getFixedT(lang)(key) as string;
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1f2933;background:#f6f7f9}
main{max-width:24rem;margin:3rem auto;padding:1.5rem;background:#fff;border:1px solid #d9dee3;border-radius:6px}
h1{font-size:1.2rem;margin:0 0 1rem}p.app{color:#5f6b78;margin:0 0 .25rem;font-size:.9rem}label{display:block;margin:.75rem 0 .25rem}
input{box-sizing:border-box;width:100%;font:inherit;padding:.45rem .6rem;border:1px solid #d9dee3;border-radius:4px}
button{font:inherit;padding:.45rem 1rem;border-radius:4px;border:1px solid #b03a2e;background:#b03a2e;color:#fff;cursor:pointer;margin-top:1rem}
.error{color:#8a1c12;background:#fdecea;padding:.5rem .75rem;border-radius:4px}.muted{color:#5f6b78;font-size:.85rem}a{color:#b03a2e}`;

/** A page of the provider: its own styles inline, nothing from another host; forms post only to itself and the pages. */
function page(lang: Language, title: string, body: string, options: { script?: string; formTargets?: string[] } = {}): { html: string; csp: string } {
  const script = options.script ? `<script>${options.script}</script>` : '';
  const scriptHash = options.script ? `'sha256-${crypto.createHash('sha256').update(options.script).digest('base64')}'` : "'none'";
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src data:',
    `script-src ${scriptHash}`,
    `form-action 'self' ${(options.formTargets ?? []).join(' ')}`.trim(),
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head><body><main>${body}</main>${script}</body></html>`;
  return { html, csp };
}

function send(res: http.ServerResponse, status: number, content: { html: string; csp: string }): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': content.csp,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(content.html);
}

function loginPage(lang: Language, uid: string, origins: string[], failed: boolean, username = ''): { html: string; csp: string } {
  const t = (key: string) => escape(say(lang, key));
  return page(
    lang,
    say(lang, 'login.title'),
    `<p class="app">${t('login.app')}</p><h1>${t('login.title')}</h1>
${failed ? `<p class="error" role="alert" id="login-error">${t('login.wrong')}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="on">
<label for="username">${t('login.username')}</label><input id="username" name="username" autocomplete="username" required autofocus value="${escape(username)}">
<label for="password">${t('login.password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">${t('login.submit')}</button>
</form>
<p><a href="/interaction/${escape(uid)}/abort">${t('login.cancel')}</a></p>
<p class="muted">${t('login.demo')}</p>`,
    // After the form, the provider redirects to the pages' callback: that redirect is part of the form's navigation.
    { formTargets: origins },
  );
}

async function readForm(req: http.IncomingMessage, limit = 10_000): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limit) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/** The same time whether the name exists or the password is wrong. */
function checkPassword(accounts: Map<string, DemoAccount>, username: string, password: string): DemoAccount | undefined {
  const account = accounts.get(username);
  const digest = (text: string) => crypto.createHash('sha256').update(text).digest();
  const ok = crypto.timingSafeEqual(digest(password), digest(account?.password ?? crypto.randomUUID()));
  return ok && account ? account : undefined;
}

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const keys = await keysFrom(options.keysFile);
  const accounts = new Map(options.accounts.map((a) => [a.username, a]));
  let handle: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  const server = http.createServer((req, res) => {
    if (!handle) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('the identity provider is starting');
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const issuer = `http://${host}:${port}`;

  const admit = (origins: string[]) => {
    if (handle) throw new Error('the identity provider already admits a gateway');
    const origin = origins[0]!;
    // The graph the access tokens are for (RFC 8707): one name, whichever address the page used.
    const resource = new URL('/graphql', origin).href;
    const each = (path: string) => origins.map((o) => new URL(path, o).href);
    const claimsOf = (account: DemoAccount) => ({ roles: account.roles, ...(account.communes ? { communes: account.communes } : {}) });
    const configuration: Configuration = {
      adapter: memoryAdapter(),
      clients: [
        {
          client_id: DEFAULT_CLIENT_ID,
          client_name: 'Hanoi poverty-reduction pages',
          application_type: 'web',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: each('/auth/callback'),
          post_logout_redirect_uris: [...each('/dashboard'), ...each('/')],
        },
      ],
      // The pages call the token, revocation and discovery endpoints from the gateway's origin.
      clientBasedCORS: (_ctx, requestOrigin) => origins.includes(requestOrigin),
      pkce: { methods: ['S256'], required: () => true },
      scopes: ['openid', 'profile', 'roles'],
      claims: { openid: ['sub'], profile: ['name'], roles: ['roles', 'communes'] },
      // The ID token carries the name, roles and communes the pages show.
      conformIdTokenClaims: false,
      findAccount: (_ctx, sub) => {
        const account = accounts.get(sub);
        return account ? { accountId: sub, claims: () => ({ sub, name: account.name, ...claimsOf(account) }) } : undefined;
      },
      // What the graph's access policy reads: roles and, for a caseworker, communes.
      extraTokenClaims: (_ctx, token) => {
        const account = token.kind === 'AccessToken' && token.accountId ? accounts.get(token.accountId) : undefined;
        return account ? claimsOf(account) : undefined;
      },
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx, form) => logoutPage(ctx, form),
          postLogoutSuccessSource: (ctx) => messagePage(ctx, 'logout.done'),
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => resource,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, requested) => {
            if (requested !== resource) throw new errors.InvalidTarget();
            return {
              scope: GRAPH_SCOPE,
              audience: options.audience,
              accessTokenTTL: options.accessTokenTtl ?? 600,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256' } },
            };
          },
        },
      },
      // The pages are the graph's own client: what they ask for is granted without a consent
      // screen (the demo user signs in, nothing more).
      loadExistingGrant: async (ctx) => {
        const client = ctx.oidc.client!;
        const session = ctx.oidc.session!;
        const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
        if (existing) {
          const grant = await ctx.oidc.provider.Grant.find(existing);
          if (grant) return grant;
        }
        const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId! });
        grant.addOIDCScope('openid profile roles');
        grant.addResourceScope(resource, GRAPH_SCOPE);
        await grant.save();
        return grant;
      },
      // A refresh token for the pages (a public client: rotated at every use by default), so
      // that they renew the access token without sending the user back to sign in.
      issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      jwks: { keys: [keys.signing] },
      cookies: { keys: keys.cookies },
      ttl: {
        AccessToken: options.accessTokenTtl ?? 600,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 600,
        RefreshToken: 8 * 3600,
        Session: 8 * 3600,
        Grant: 8 * 3600,
      },
      renderError: (ctx, out) => {
        const lang = languageOf(ctx.oidc?.params?.ui_locales);
        const content = page(
          lang,
          say(lang, 'providerError.title'),
          `<h1>${escape(say(lang, 'providerError.title'))}</h1><p class="error">${escape(String(out.error_description ?? out.error))}</p><p><a href="${escape(new URL('/dashboard', origin).href)}">${escape(say(lang, 'providerError.back'))}</a></p>`,
        );
        ctx.type = 'html';
        ctx.set('content-security-policy', content.csp);
        ctx.body = content.html;
      },
    };

    /** RP-initiated logout: the provider's form (hidden, with its anti-forgery value), sent at once by a hashed inline script. */
    const logoutPage = (ctx: KoaContextWithOIDC, form: string) => {
      const lang = languageOf(ctx.oidc.params?.ui_locales);
      const content = page(
        lang,
        say(lang, 'logout.title'),
        `<h1>${escape(say(lang, 'logout.title'))}</h1>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout" id="logout-confirm">${escape(say(lang, 'logout.confirm'))}</button>`,
        { script: `document.getElementById('logout-confirm').click();`, formTargets: origins },
      );
      ctx.set('content-security-policy', content.csp);
      ctx.body = content.html;
    };
    const messagePage = (ctx: KoaContextWithOIDC, key: string) => {
      const lang = languageOf(ctx.oidc.params?.ui_locales);
      const content = page(
        lang,
        say(lang, key),
        `<h1>${escape(say(lang, key))}</h1><p><a href="${escape(new URL('/dashboard', origin).href)}">${escape(say(lang, 'logout.back'))}</a></p>`,
      );
      ctx.set('content-security-policy', content.csp);
      ctx.body = content.html;
    };

    const provider = new Provider(issuer, configuration);
    // Loopback, plain http: no proxy in front whose headers it should trust.
    provider.proxy = false;
    const callback = provider.callback();
    handle = (req, res) => {
      const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(new URL(req.url ?? '/', issuer).pathname);
      if (!match) return void callback(req, res);
      void interaction(provider, req, res, match[1]!, match[2]).catch((error: Error) => {
        if (!res.headersSent) send(res, 400, page('vi', 'error', `<p class="error">${escape(error.message)}</p>`));
      });
    };

    /** The sign-in form of an interaction, its answer, and a cancel. */
    async function interaction(
      provider: Provider,
      req: http.IncomingMessage,
      res: http.ServerResponse,
      uid: string,
      action: string | undefined,
    ): Promise<void> {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('this sign-in has expired; start again from the dashboard');
      const lang = languageOf(details.params.ui_locales);
      if (action === 'abort') {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'sign-in cancelled' }, { mergeWithLastSubmission: false });
        return;
      }
      if (req.method === 'POST' && action === 'login') {
        const form = await readForm(req);
        const username = form.get('username') ?? '';
        const account = checkPassword(accounts, username, form.get('password') ?? '');
        if (!account) return send(res, 401, loginPage(lang, uid, origins, true, username));
        await provider.interactionFinished(req, res, { login: { accountId: account.username } }, { mergeWithLastSubmission: false });
        return;
      }
      send(res, 200, loginPage(lang, uid, origins, false));
    }
  };

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    clientId: DEFAULT_CLIENT_ID,
    admit,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
