import { badInput } from './errors.js';

/**
 * A database id (a positive bigint held as a safe JS integer) from a GraphQL ID, or undefined
 * when the value cannot be one of ours. Resolvers turn undefined into null, [] or a refusal.
 * Digits only: `Number()` would take "0x10", "1e3" or " 7 " for ids they are not.
 */
export function parseId(id: string | number | null | undefined): number | undefined {
  if (id == null) return undefined;
  const n = typeof id === 'number' ? id : /^\d{1,15}$/.test(id) ? Number(id) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The id in `value`, or a BAD_USER_INPUT refusal naming `field` (an unknown `what`). */
export function requireId(field: string, value: string, what: string): number {
  const id = parseId(value);
  if (id === undefined) throw badInput(field, `unknown ${what} "${value}"`);
  return id;
}

/** Whether `value` can be one of our ids (to drop the others before a query). */
export function isId(value: string): boolean {
  return parseId(value) !== undefined;
}
