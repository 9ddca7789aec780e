import { readSession, storedAccessToken } from '../auth/tokens.js';

/** The dashboard is an ordinary client of the public API: POST /graphql, nothing else. */

export interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; serviceName?: string };
}

export interface GraphQLResult<T> {
  data: T | null;
  errors: GraphQLError[];
  /** How many counts the graph withheld from this answer (small counts, for the public). */
  withheld: number;
}

/**
 * A registered operation with the types of its answer and variables (generated from the
 * operation file: schema/operations/types.generated.ts). `data` is never set: it only carries
 * the answer's type to send().
 */
export interface TypedOperation<Data, Variables extends object> {
  query: string;
  /** The operation file's example variables (its `Variables: {...}` comment). */
  variables: Variables;
  readonly data?: Data;
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

/**
 * Where the bearer token comes from: the stored one by default (prefetch.ts), the signed-in
 * session (which renews an expired token first) once the dashboard has loaded; and what to do
 * when the graph answers 401 to a token (renew it; true: send again).
 */
let tokenSource: () => Promise<string> = async () => storedAccessToken();
let onRefused: (() => Promise<boolean>) | undefined;
export function useTokens(source: () => Promise<string>, refused: () => Promise<boolean>): void {
  tokenSource = source;
  onRefused = refused;
}

async function post(body: string, token: string): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', { method: 'POST', headers, body });
  return { ok: response.ok, status: response.status, body: await response.json().catch(() => ({})) };
}

/**
 * Sends a request now, for graphql() to take when a section asks for the same one. Not when
 * the tab's token has expired: the dashboard renews it first, and a request without it would
 * be the public's.
 */
export function prefetch(query: string, variables: object = {}): void {
  const token = storedAccessToken();
  if (readSession() && !token) return;
  const body = JSON.stringify({ query, variables });
  (window.dashboardPrefetched ??= new Map()).set(`${token}\n${body}`, post(body, token));
}

/**
 * POSTs one operation, with `Authorization: Bearer ...` when signed in. The answer to the same
 * request sent early (prefetch) is taken once, if there is one. A 401 to a token (expired,
 * revoked) renews it and sends again, once. Not exported: the sections go through send(), so
 * that every answer is typed by its operation.
 */
async function graphql<T>(query: string, variables: object = {}): Promise<GraphQLResult<T>> {
  const request = JSON.stringify({ query, variables });
  let token = await tokenSource();
  const key = `${token}\n${request}`;
  const early = window.dashboardPrefetched?.get(key);
  window.dashboardPrefetched?.delete(key);
  let answer = await (early ?? post(request, token));
  if (answer.status === 401 && token && onRefused && (await onRefused())) {
    token = await tokenSource();
    answer = await post(request, token);
  }
  const body = answer.body as { data?: T | null; errors?: GraphQLError[]; extensions?: { withheld?: unknown[] } };
  const errors = body.errors ?? (answer.ok ? [] : [{ message: `HTTP ${answer.status}` }]);
  // Without a token small counts come back null (withheld); the page says how many.
  return { data: body.data ?? null, errors, withheld: body.extensions?.withheld?.length ?? 0 };
}

/** Sends a registered operation (with its example variables unless given others), its answer typed. */
export function send<Data, Variables extends object>(
  operation: TypedOperation<Data, Variables>,
  variables: Variables = operation.variables,
): Promise<GraphQLResult<Data>> {
  return graphql<Data>(operation.query, variables);
}

/** The example variables in an operation file's `Variables: {...}` comment (as platform/operations.ts reads them). */
export function exampleVariables(document: string): Record<string, unknown> {
  const match = /Variables:\s*(\{.*\})\s*$/m.exec(document);
  return match?.[1] ? (JSON.parse(match[1]) as Record<string, unknown>) : {};
}
