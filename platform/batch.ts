// The two shapes a DataLoader batch function returns: results in key order, the same length
// as the keys, with `[]` or `undefined` for a key that has no rows.

/** Groups rows by a key, in the order of `keys`, with `[]` for a key that has none. */
export function groupBy<K, T>(keys: readonly K[], rows: readonly T[], keyOf: (row: T) => K): T[][] {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/** One row per key in key order, `undefined` for a miss. */
export function byKey<K, T>(keys: readonly K[], rows: readonly T[], keyOf: (row: T) => K): Array<T | undefined> {
  const map = new Map<K, T>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k));
}

/**
 * A loaded row that a foreign key guarantees (a participation's project) for a non-null field:
 * its absence is a broken invariant, thrown as an internal error naming what is missing (graphql-js
 * would refuse the null anyway, with a message that names no row).
 */
export function required<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new Error(`${what} is missing`);
  return row;
}
