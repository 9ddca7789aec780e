/** A positive integer id as stored in SQL, from its GraphQL ID; undefined for anything else. */
export function parseId(id: string): number | undefined {
  const n = Number(id);
  return Number.isSafeInteger(n) && n > 0 && String(n) === id ? n : undefined;
}
