/** Hanoi's province code; the graph covers one city. */
export const CITY_CODE = '01';

/** The `City` entity's reference resolver, the same in every department: the one city, or null. */
export function resolveCityReference(ref: { code: string }): { code: string } | null {
  return ref.code === CITY_CODE ? { code: CITY_CODE } : null;
}
