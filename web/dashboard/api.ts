/** The dashboard is an ordinary client of the public API: POST /graphql, nothing else. */

const TOKEN_KEY = 'dashboard.bearerToken';

/** The bearer token pasted into the page; kept for this browser tab only (sessionStorage). */
export function bearerToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setBearerToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export interface GraphQLResult<T> {
  data: T | null;
  errors: Array<{ message: string; path?: Array<string | number> }>;
}

/** An answer as it came: the HTTP status and the parsed body ({} when it was not JSON). */
interface RawAnswer {
  ok: boolean;
  status: number;
  body: unknown;
}

declare global {
  interface Window {
    /**
     * Requests sent early by prefetch.ts, by token and body. On window, because prefetch.ts is
     * a bundle of its own, with its own copy of this module.
     */
    dashboardPrefetched?: Map<string, Promise<RawAnswer>>;
  }
}

async function post(body: string, token: string): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', { method: 'POST', headers, body });
  return { ok: response.ok, status: response.status, body: await response.json().catch(() => ({})) };
}

/** Sends a request now, for graphql() to take when a section asks for the same one. */
export function prefetch(query: string, variables: Record<string, unknown> = {}): void {
  const token = bearerToken();
  const body = JSON.stringify({ query, variables });
  (window.dashboardPrefetched ??= new Map()).set(`${token}\n${body}`, post(body, token));
}

/**
 * POSTs one operation; `Authorization: Bearer ...` when a token was given. The answer to the
 * same request sent early (prefetch) is taken once, if there is one.
 */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  const token = bearerToken();
  const request = JSON.stringify({ query, variables });
  const key = `${token}\n${request}`;
  const early = window.dashboardPrefetched?.get(key);
  window.dashboardPrefetched?.delete(key);
  const answer = await (early ?? post(request, token));
  const body = answer.body as { data?: T | null; errors?: GraphQLResult<T>['errors']; extensions?: { withheld?: unknown[] } };
  const errors = body.errors ?? (answer.ok ? [] : [{ message: `HTTP ${answer.status}` }]);
  // Without a token small counts come back null (withheld); the page says how many.
  const withheld = body.extensions?.withheld?.length ?? 0;
  if (withheld) window.dispatchEvent(new CustomEvent('withheld', { detail: withheld }));
  return { data: body.data ?? null, errors };
}

/** The example variables in an operation file's `Variables: {...}` comment (as schema/operations.ts reads them). */
export function exampleVariables(document: string): Record<string, unknown> {
  const match = /Variables:\s*(\{.*\})\s*$/m.exec(document);
  return match?.[1] ? (JSON.parse(match[1]) as Record<string, unknown>) : {};
}
