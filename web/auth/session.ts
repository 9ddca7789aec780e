import * as oauth from 'oauth4webapi';
import { language } from '../i18n.js';
import { readSession, writeSession, type StoredSession } from './tokens.js';

/**
 * Sign-in with OpenID Connect: the authorization-code flow with PKCE, through oauth4webapi (a
 * certified, dependency-free client). The pages are a public client (no secret: a browser
 * cannot keep one); PKCE binds the code to this tab. Tokens go to sessionStorage (tokens.ts),
 * never into the page's text; the access token is renewed with the refresh token shortly
 * before it expires, and sign-out revokes the refresh token and ends the provider's session.
 */

/** Written into the page by the server (platform/pages.ts, SignInSettings there). */
export interface SignInConfig {
  /** The provider's issuer URL; its /.well-known/openid-configuration says the rest. */
  issuer: string;
  clientId: string;
  /** Scopes asked for, space-separated. */
  scope: string;
  /** RFC 8707 resource indicator, for providers that want one. */
  resource?: string;
}

/** Where the provider sends the browser back (served by the gateway, web/auth/callback.ts). */
export const CALLBACK_PATH = '/auth/callback';
const PENDING_KEY = 'hanoi-poverty.pending-sign-in';

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

let settings: SignInConfig | null = null;
let server: Promise<oauth.AuthorizationServer> | undefined;
let renewing: Promise<boolean> | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

export function configureSignIn(config: SignInConfig | null | undefined): void {
  settings = config ?? null;
}

export function signInAvailable(): boolean {
  return settings !== null;
}

function config(): SignInConfig {
  if (!settings) throw new Error('sign-in is not configured');
  return settings;
}

/**
 * Plain http is allowed only for a provider on this machine's loopback address (the one `npm
 * start` runs); anywhere else the provider must be https.
 */
function httpOptions(): { [oauth.allowInsecureRequests]?: boolean } {
  const { protocol, hostname } = new URL(config().issuer);
  const loopback = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  return protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

function client(): oauth.Client {
  return { client_id: config().clientId };
}

function authorizationServer(): Promise<oauth.AuthorizationServer> {
  server ??= (async () => {
    const issuer = new URL(config().issuer);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...httpOptions() });
    return oauth.processDiscoveryResponse(issuer, response);
  })().catch((error: unknown) => {
    server = undefined; // try again next time
    throw error;
  });
  return server;
}

function redirectUri(): string {
  return new URL(CALLBACK_PATH, location.origin).href;
}

function tokenRequestOptions(): oauth.TokenEndpointRequestOptions {
  const resource = config().resource;
  return { ...httpOptions(), ...(resource ? { additionalParameters: { resource } } : {}) };
}

/** Sends the browser to the provider's sign-in page; it comes back to `returnTo` signed in. */
export async function signIn(returnTo: string = location.pathname + location.hash): Promise<void> {
  const as = await authorizationServer();
  if (!as.authorization_endpoint) throw new Error('the provider names no authorization endpoint');
  const pending: Pending = { verifier: oauth.generateRandomCodeVerifier(), state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  const params: Record<string, string> = {
    client_id: config().clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config().scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    // The provider's sign-in page in the language the page is in.
    ui_locales: language(),
  };
  if (config().resource) params.resource = config().resource!;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.assign(url.href);
}

/** On the callback page: exchanges the code for tokens, keeps them, and returns where to go back to. */
export async function completeSignIn(current: URL): Promise<string> {
  const text = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!text) throw new Error('no sign-in was started in this tab');
  const pending = JSON.parse(text) as Pending;
  const as = await authorizationServer();
  const params = oauth.validateAuthResponse(as, client(), current, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client(), oauth.None(), params, redirectUri(), pending.verifier, tokenRequestOptions());
  const result = await oauth.processAuthorizationCodeResponse(as, client(), response, { expectedNonce: pending.nonce, requireIdToken: true });
  keep(result, null);
  return pending.returnTo;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function keep(result: oauth.TokenEndpointResponse, previous: StoredSession | null): StoredSession {
  const claims = oauth.getValidatedIdTokenClaims(result);
  const session: StoredSession = {
    accessToken: result.access_token,
    expiresAt: Date.now() + (result.expires_in ?? 300) * 1000,
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : previous?.refreshToken ? { refreshToken: previous.refreshToken } : {}),
    ...(result.id_token ? { idToken: result.id_token } : previous?.idToken ? { idToken: previous.idToken } : {}),
    subject: claims?.sub ?? previous?.subject ?? '',
    ...(typeof claims?.name === 'string' ? { name: claims.name } : previous?.name ? { name: previous.name } : {}),
    roles: claims ? stringList(claims.roles) : (previous?.roles ?? []),
    communes: claims ? stringList(claims.communes) : (previous?.communes ?? []),
  };
  writeSession(session);
  scheduleRenewal();
  return session;
}

/**
 * Renews the access token with the refresh token (one renewal at a time). When the provider
 * refuses (the session was ended or revoked), the tab is signed out and `sessionchange` fires.
 */
export function renew(): Promise<boolean> {
  renewing ??= (async () => {
    const session = readSession();
    if (!session?.refreshToken || !settings) return false;
    try {
      const as = await authorizationServer();
      const response = await oauth.refreshTokenGrantRequest(as, client(), oauth.None(), session.refreshToken, tokenRequestOptions());
      keep(await oauth.processRefreshTokenResponse(as, client(), response), session);
      window.dispatchEvent(new Event('tokenrenewed'));
      return true;
    } catch (error) {
      // A refusal ends the session; a network failure leaves it for the next try.
      if (error instanceof oauth.ResponseBodyError) {
        writeSession(null);
        window.dispatchEvent(new CustomEvent('sessionchange', { detail: 'expired' }));
      }
      return false;
    }
  })().finally(() => {
    renewing = undefined;
  });
  return renewing;
}

/** Renews a little before expiry: a minute before, or at four fifths of a short lifetime. */
export function scheduleRenewal(): void {
  clearTimeout(timer);
  const session = readSession();
  if (!session?.refreshToken) return;
  const left = session.expiresAt - Date.now();
  const lead = Math.min(60_000, left / 5);
  timer = setTimeout(() => void renew(), Math.max(0, left - lead));
}

/** The access token to send: renewed first when it has expired (a tab that slept); '' when signed out. */
export async function accessToken(): Promise<string> {
  const session = readSession();
  if (!session) return '';
  if (session.expiresAt - 5_000 > Date.now()) return session.accessToken;
  return (await renew()) ? (readSession()?.accessToken ?? '') : '';
}

/**
 * Signs out: forgets the tokens here, revokes the refresh token, and ends the provider's
 * session (RP-initiated logout), which sends the browser back to `returnTo`.
 */
export async function signOut(returnTo: string = location.pathname): Promise<void> {
  const session = readSession();
  writeSession(null);
  clearTimeout(timer);
  if (!session || !settings) return location.assign(returnTo);
  const as = await authorizationServer().catch(() => null);
  if (as && session.refreshToken && as.revocation_endpoint) {
    await oauth
      .revocationRequest(as, client(), oauth.None(), session.refreshToken, { ...httpOptions(), additionalParameters: { token_type_hint: 'refresh_token' } })
      .then((r) => oauth.processRevocationResponse(r))
      .catch(() => {}); // the provider's session end below revokes it too
  }
  const back = new URL(returnTo, location.origin).href;
  if (!as?.end_session_endpoint) return location.assign(back);
  const url = new URL(as.end_session_endpoint);
  url.searchParams.set('client_id', config().clientId);
  url.searchParams.set('post_logout_redirect_uri', back);
  url.searchParams.set('ui_locales', language());
  if (session.idToken) url.searchParams.set('id_token_hint', session.idToken);
  location.assign(url.href);
}

export { readSession };
