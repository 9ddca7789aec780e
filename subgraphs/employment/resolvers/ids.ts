/** A positive integer id from a GraphQL ID, or undefined when it cannot be one of ours. */
export function parseId(id: string | null | undefined): number | undefined {
  if (id == null || !/^\d{1,15}$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
