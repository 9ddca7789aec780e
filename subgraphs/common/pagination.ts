import { badInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Validates `first`, naming the argument in the error. */
export function pageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}, got ${n}`);
  }
  return n;
}

/** Cursors are opaque to clients: base64url of "<prefix>:<id>". */
export function encodeCursor(prefix: string, id: number): string {
  return Buffer.from(`${prefix}:${id}`).toString('base64url');
}

export function decodeCursor(prefix: string, cursor: string | null | undefined): number | undefined {
  if (cursor == null) return undefined;
  const [p, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const n = Number(id);
  if (p !== prefix || !Number.isSafeInteger(n)) throw badInput('after', 'after is not a cursor from this list');
  return n;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** Builds a connection from `limit + 1` rows fetched in id order. */
export function toConnection<T extends { id: number }>(prefix: string, rows: T[], limit: number, totalCount: number): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(prefix, node.id), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
