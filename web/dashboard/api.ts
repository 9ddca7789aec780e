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

/** POSTs one operation; `Authorization: Bearer ...` when a token was given. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const token = bearerToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json().catch(() => ({}))) as { data?: T | null; errors?: GraphQLResult<T>['errors']; extensions?: { withheld?: unknown[] } };
  const errors = body.errors ?? (response.ok ? [] : [{ message: `HTTP ${response.status}` }]);
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
