import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badInput } from './errors.js';
import { todayInHanoi } from './scalars.js';

/**
 * One rule for every text a caller sends (arguments of queries and mutations, and every field
 * of their input objects, however deep), checked before a resolver runs, so that a bad text is
 * refused naming its field and never reaches the database:
 *
 * - ids and codes (type ID, or a String named `code` or `...Code`): at most 64 characters;
 * - free text (`address`, `purpose`, `reason`, and names ending in `description`): at most 500;
 * - every other text (names, employer, sector, course, certificate, source, ...): at most 200;
 * - no control characters (U+0000 to U+001F, U+007F to U+009F: NUL would make PostgreSQL fail)
 *   and no unpaired UTF-16 surrogates (no UTF-8 encodes them) in any of them.
 *
 * Resolvers keep their own rules on top (not blank, 12 digits for a national ID, ...).
 */
export const TEXT_LIMITS = { code: 64, freeText: 500, text: 200 } as const;

const FREE_TEXT = /^(address|purpose|reason)$|description$/i;
const CODE = /^code$|Code$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The longest text `name` (of GraphQL type `typeName`) may hold. */
export function textLimit(name: string, typeName: string): number {
  if (typeName === 'ID' || CODE.test(name)) return TEXT_LIMITS.code;
  if (FREE_TEXT.test(name)) return TEXT_LIMITS.freeText;
  return TEXT_LIMITS.text;
}

/** Refuses the first text in `value` (of `type`, at `path`) that breaks the rule. */
function checkValue(value: unknown, type: GraphQLInputType, name: string, path: string): void {
  if (value === null || value === undefined) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (Array.isArray(value)) value.forEach((item, i) => checkValue(item, inner.ofType, name, `${path}[${i}]`));
    return;
  }
  if (isInputObjectType(inner)) {
    const fields = inner.getFields();
    for (const [key, field] of Object.entries(fields)) {
      checkValue((value as Record<string, unknown>)[key], field.type, key, path ? `${path}.${key}` : key);
    }
    return;
  }
  if (isScalarType(inner) && (inner.name === 'String' || inner.name === 'ID') && typeof value === 'string') {
    const field = path || name;
    if (CONTROL.test(value)) throw badInput(field, `${field} must not contain control characters (such as NUL or a line break)`);
    if (LONE_SURROGATE.test(value)) throw badInput(field, `${field} is not valid Unicode text`);
    const limit = textLimit(name, inner.name);
    // Characters as people count them (code points), not UTF-16 units.
    const length = [...value].length;
    if (length > limit) throw badInput(field, `${field} must be at most ${limit} characters, got ${length}`);
  }
}

/** Checks every argument of one field call; an argument named `input` is left out of the paths. */
export function checkTextArguments(args: readonly GraphQLArgument[], values: Record<string, unknown>): void {
  for (const arg of args) {
    checkValue(values[arg.name], arg.type, arg.name, arg.name === 'input' ? '' : arg.name);
  }
}

/**
 * Wraps every field of the root Query and Mutation types so that its arguments are checked by
 * the text rule before it runs. Called once, on the built subgraph schema.
 */
export function guardTextInputs(schema: GraphQLSchema): void {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (!field.args.some((a) => hasText(a.type, new Set()))) continue;
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        checkTextArguments(field.args, args as Record<string, unknown>);
        return resolve(source, args, context, info);
      };
    }
  }
}

/** Whether a value of `type` can hold text somewhere (so that fields without any skip the check). */
function hasText(type: GraphQLInputType, seen: Set<string>): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'String' || named.name === 'ID';
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => hasText(f.type, seen));
}

/**
 * Refuses a date after today in Hanoi (a record of something that has not happened yet), naming
 * the field. `today` is passed when one write checks several dates against the same day.
 */
export function notInFuture(field: string, date: string, today: string = todayInHanoi()): void {
  if (date > today) throw badInput(field, `${field} ${date} is in the future (today in Hanoi is ${today})`);
}

/**
 * Trimmed text, or a refusal naming the field when it is blank. Its length needs no check here:
 * the text rule above refused an over-long text before the resolver ran.
 */
export function requiredText(field: string, value: string): string {
  const text = value.trim();
  if (!text) throw badInput(field, `${field} must not be blank`);
  return text;
}

/** Trimmed text, or null when absent or blank. */
export function optionalText(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text ? text : null;
}
