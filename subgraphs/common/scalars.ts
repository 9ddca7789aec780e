import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const INTEGER = /^-?\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * Whole đồng. Held as bigint in SQL and as a JS safe integer in memory; written as a decimal
 * string on the wire so that no client reads it into a float. Input takes a string or an Int.
 * Negative amounts parse, so that the resolver can refuse them naming the field.
 */
export const Money = new GraphQLScalarType<number, string>({
  name: 'Money',
  description: 'Money in whole Vietnamese đồng, written as a decimal string.',
  serialize(value) {
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new GraphQLError(`Money must be a whole number of đồng, got ${String(value)}`);
    return String(n);
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
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && INTEGER.test(value.trim())) {
    const n = Number(value.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  throw invalid(`Money must be a whole number of đồng such as "1500000", got ${JSON.stringify(value)}`);
}

/** Calendar date, YYYY-MM-DD, kept as that string end to end. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
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
    if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value) return value;
  }
  throw invalid(`Date must be a real calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
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
