import crypto from 'node:crypto';
import { badInput } from './errors.js';
import { internalKey } from './secrets.js';

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

/**
 * Cursors are opaque and sealed: "<prefix>:<id>" encrypted and authenticated (AES-256-GCM) with
 * this deployment's cursor key. A client can neither read the position it names (a household id
 * would tell who is on a list) nor forge one to page from wherever it likes.
 */
export function encodeCursor(prefix: string, id: number): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', internalKey('cursor'), iv);
  const sealed = Buffer.concat([cipher.update(`${prefix}:${id}`, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

export function decodeCursor(prefix: string, cursor: string | null | undefined): number | undefined {
  if (cursor == null) return undefined;
  const refuse = () => badInput('after', 'after is not a cursor from this list');
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length < 29 || raw.length > 100) throw refuse();
  let text: string;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', internalKey('cursor'), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw refuse();
  }
  const [p, id] = text.split(':');
  const n = Number(id);
  if (p !== prefix || !/^\d{1,15}$/.test(id ?? '') || !Number.isSafeInteger(n)) throw refuse();
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
