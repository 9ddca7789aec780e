/** A database id from a GraphQL ID, or undefined when it cannot be one. */
export function parseId(id: string | number): number | undefined {
  const n = typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
