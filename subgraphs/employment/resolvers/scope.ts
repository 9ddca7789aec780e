import type { EmploymentContext } from '../context.js';

/**
 * Keeps the records the caller's communes allow: a caseworker sees the records made in its
 * communes only, and the others are left out (never shown as nulls). Every record carries the
 * commune it counts in, so this needs no lookup; it runs in memory after a loader's one
 * statement, so scoping adds no SQL.
 */
export function visible<T extends { commune_code: string }>(rows: readonly T[], ctx: EmploymentContext): T[] {
  return ctx.auth.communeScope ? rows.filter((r) => ctx.auth.canSeeCommune(r.commune_code)) : [...rows];
}
