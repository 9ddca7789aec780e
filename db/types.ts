/**
 * Type parsing shared by both drivers, so that a row looks the same on PGlite and on a server:
 * - int8 (bigint, count(*)) -> number. Whole-đồng amounts for the whole city stay far below
 *   2^53 (about 9e15); a sum that would not comes as a bigint (see parseInt8), never rounded.
 * - numeric -> string (exact; callers convert where they need arithmetic).
 * - date -> 'YYYY-MM-DD' string: a calendar date has no time zone, and JS Date would add one.
 * - timestamptz -> Date.
 */
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;
export const DATE_OID = 1082;
export const TIMESTAMPTZ_OID = 1184;
export const TIMESTAMP_OID = 1114;

export function parseInt8(value: string): number {
  const n = Number(value);
  // A sum of money past 2^53 (thousands of contributions at the Money maximum) is carried
  // exactly as a bigint, which the Money scalar writes as digits and sumMoney adds: a figure
  // never breaks for everyone because one sum grew large. Arithmetic mixing it with numbers
  // throws (TypeError) rather than rounding silently.
  if (!Number.isSafeInteger(n)) return BigInt(value) as unknown as number;
  return n;
}

export const sharedParsers: Record<number, (value: string) => unknown> = {
  [INT8_OID]: parseInt8,
  [NUMERIC_OID]: (v) => v,
  [DATE_OID]: (v) => v,
  [TIMESTAMPTZ_OID]: (v) => new Date(v),
  [TIMESTAMP_OID]: (v) => new Date(`${v}Z`),
};
