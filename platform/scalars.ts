import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const INTEGER = /^-?\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * The largest amount one Money value may carry: one trillion đồng (10^12), far above any loan,
 * grant, contribution or budget line of the programmes. It keeps every figure exact: a sum
 * reaches Number.MAX_SAFE_INTEGER (about 9 × 10^15) only past 9,007 values at the maximum, and
 * past that it is still exact, carried as a bigint (SQL sums are bigint or numeric, `sumMoney`
 * adds in bigint when a sum leaves the safe range, and Money writes either as digits).
 */
export const MAX_MONEY = 1_000_000_000_000;

/**
 * Whole đồng. Held as bigint in SQL and as a JS safe integer in memory (a sum past the safe range
 * as a bigint); written as a decimal string on the wire so that no client reads it into a float.
 * Input takes a string of digits or an Int, from -MAX_MONEY to MAX_MONEY. Negative amounts
 * parse, so that the resolver can refuse them naming the field.
 */
export const Money = new GraphQLScalarType<number, string>({
  name: 'Money',
  description: `Money in whole Vietnamese đồng, written as a decimal string such as "1500000" (an Int is accepted as input). At most ${MAX_MONEY} (one trillion đồng) in any input; sums in answers may be larger and are exact.`,
  serialize(value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value).toString();
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new GraphQLError(`Money must be a whole number of đồng, got ${String(value)}`);
    return String(value);
  },
  parseValue(value) {
    return parseMoney(value);
  },
  parseLiteral(ast: ValueNode) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parseMoney(ast.value);
    throw invalid('Money must be a string of digits such as "1500000" or an Int');
  },
});

function parseMoney(value: unknown): number {
  let n: number | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) n = value;
  else if (typeof value === 'string' && INTEGER.test(value.trim()) && value.trim().length <= 20) n = Number(value.trim());
  if (n === undefined || !Number.isSafeInteger(n)) {
    throw invalid(`Money must be a whole number of đồng such as "1500000", got ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`);
  }
  if (Math.abs(n) > MAX_MONEY) throw invalid(`Money must be at most ${MAX_MONEY} đồng (one trillion), got ${n}`);
  return n;
}

/** A sum of money, exact however large: a number while it is safe, a bigint past that. */
export function sumMoney(values: Iterable<number | bigint>): number | bigint {
  let total: number | bigint = 0;
  for (const v of values) {
    if (typeof total === 'number' && typeof v === 'number' && Number.isSafeInteger(total + v)) total += v;
    else total = BigInt(total) + BigInt(v);
  }
  return total;
}

/** The dates any record may carry: wide enough for any birth or record, narrow enough for PostgreSQL and JS alike. */
export const MIN_DATE = '1900-01-01';
export const MAX_DATE = '2100-12-31';

/** Calendar date, YYYY-MM-DD, kept as that string end to end. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: `A calendar date, YYYY-MM-DD, from ${MIN_DATE} to ${MAX_DATE} in any input.`,
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === 'string' && DATE.test(value)) return value;
    throw new GraphQLError(`Date must be YYYY-MM-DD, got ${String(value)}`);
  },
  parseValue(value) {
    return parseDate(value);
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return parseDate(ast.value);
    throw invalid('Date must be a string YYYY-MM-DD');
  },
});

function parseDate(value: unknown): string {
  if (typeof value === 'string' && DATE.test(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value) {
      if (value < MIN_DATE || value > MAX_DATE) throw invalid(`Date must be from ${MIN_DATE} to ${MAX_DATE}, got ${JSON.stringify(value)}`);
      return value;
    }
  }
  throw invalid(`Date must be a real calendar date YYYY-MM-DD, got ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`);
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'A point in time, ISO 8601 with time zone.',
  serialize(value) {
    const d = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(d.getTime())) throw new GraphQLError(`invalid DateTime ${String(value)}`);
    return d.toISOString();
  },
  parseValue(value) {
    const d = new Date(String(value));
    if (Number.isNaN(d.getTime())) throw invalid(`DateTime must be ISO 8601, got ${JSON.stringify(value)}`);
    return d;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be a string');
    const d = new Date(ast.value);
    if (Number.isNaN(d.getTime())) throw invalid(`DateTime must be ISO 8601, got ${JSON.stringify(ast.value)}`);
    return d;
  },
});

/** Today's date in Hanoi (UTC+7), which is what "in the future" means for a record date. */
export function todayInHanoi(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
