/**
 * The signed-in session of this browser tab: kept in sessionStorage (this tab only, gone when
 * it closes), never in the page's text. No OpenID code here: the prefetch script reads the
 * token through this file and must stay a few kilobytes; session.ts signs in and renews.
 */

export interface StoredSession {
  accessToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  refreshToken?: string;
  /** Sent back to the provider on sign-out (id_token_hint). */
  idToken?: string;
  /** Who, from the ID token: for the page's "signed in as" line and the exports' notes. */
  subject: string;
  name?: string;
  roles: string[];
  communes: string[];
}

/** Where the session is kept (sessionStorage); tests and the dashboard benchmark put one there. */
export const SESSION_KEY = 'hanoi-poverty.session';
/** A token this close to its expiry is not sent: it could expire on the way. */
const MARGIN_MS = 5_000;

export function readSession(): StoredSession | null {
  try {
    const text = sessionStorage.getItem(SESSION_KEY);
    return text ? (JSON.parse(text) as StoredSession) : null;
  } catch {
    return null;
  }
}

export function writeSession(session: StoredSession | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** The access token to send now: '' when signed out or when it has (nearly) expired. */
export function storedAccessToken(now = Date.now()): string {
  const session = readSession();
  return session && session.expiresAt - MARGIN_MS > now ? session.accessToken : '';
}

/**
 * A session for a token obtained elsewhere (`npm run token`), valid for an hour and not
 * renewable: how the tests and the dashboard benchmark sign a page in without the provider.
 */
export function sessionForToken(accessToken: string, claims: { roles: string[]; communes?: string[]; sub?: string }, now = Date.now()): StoredSession {
  return { accessToken, expiresAt: now + 3_600_000, subject: claims.sub ?? claims.roles.join('+'), roles: claims.roles, communes: claims.communes ?? [] };
}
