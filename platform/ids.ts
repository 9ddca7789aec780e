/**
 * A database id (a positive bigint held as a safe JS integer) from a GraphQL ID, or undefined
 * when the value cannot be one of ours. Resolvers turn undefined into null, [] or a refusal.
 */
export function parseId(id: string | number | null | undefined): number | undefined {
  if (id == null) return undefined;
  const n = typeof id === 'number' ? id : /^\d{1,15}$/.test(id) ? Number(id) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
