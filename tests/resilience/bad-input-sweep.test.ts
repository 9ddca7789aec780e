import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaName } from '../../db/index.js';
import { subgraphs as SUBGRAPHS } from '../../subgraphs/catalog.js';
import { textLimit } from '../../platform/inputs.js';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.js';

// Every bad value refused at the edge, naming its field, writing nothing (issue 15, items 4-6).
// The cases are GENERATED from the gateway's schema by introspection, not listed by hand: for
// every mutation, every field of its input (nested objects and list items included) gets the bad
// values of its type (impossible or out-of-range dates, money past the maximum, fractional or
// not a number, 1e400, NUL and other control characters, text past its length, ids that are not
// ids or name nothing, enum values that do not exist, ints past 32 bits). The rest of the input
// is filled with well-typed values. Each answer must be BAD_USER_INPUT naming the field (for a
// wrong id, whose refusal may come from the resolver after another field's check, a refusal
// naming some field), never INTERNAL_SERVER_ERROR, no database message, no subgraph address; and
// no table of any subgraph may have changed (refused attempts are audited as REFUSED events,
// so the audit trail's writes are compared, not its refusals).

process.env.PUBLIC_OPERATIONS = 'any';

let stack: TestStack;
let schema: GraphQLSchema;
beforeAll(async () => {
  stack = await startTestStack();
  const r = await stack.query<IntrospectionQuery>(getIntrospectionQuery());
  schema = buildClientSchema(r.data!);
});
afterAll(async () => {
  await stack?.close();
});

/** Sent as the JSON number 1e400 (which JSON.parse reads as Infinity), not as a string. */
const HUGE = '__JSON_1E400__';

interface BadValue {
  value: unknown;
  what: string;
  /** True when the refusal must name exactly this field (refused at the edge). */
  exact: boolean;
}

function badValuesOf(type: GraphQLNamedType, name: string): BadValue[] {
  const at = (value: unknown, what: string): BadValue => ({ value, what, exact: true });
  if (isEnumType(type)) return [at('NOT_A_VALUE', 'unknown enum value'), at(7, 'a number for an enum')];
  switch (type.name) {
    case 'Date':
      return [
        at('2024-02-30', 'impossible date'),
        at('0000-01-01', 'year 0'),
        at('1899-12-31', 'before 1900'),
        at('2101-01-01', 'after 2100'),
        at('2024-1-1', 'unpadded'),
        at(20240101, 'a number'),
        at('', 'empty'),
      ];
    case 'Money':
      return [
        at('9007199254740993', 'past the safe range'),
        at('1000000000001', 'past the maximum'),
        at(-1e13, 'negative past the maximum'),
        at(HUGE, '1e400'),
        at('1.5', 'fractional string'),
        at(1.5, 'fractional number'),
        at('abc', 'not a number'),
        at('', 'empty'),
      ];
    case 'Int':
      return [at(2147483648, 'past 32 bits'), at(1.5, 'fractional'), at('1', 'a string'), at(HUGE, '1e400')];
    case 'Float':
      return [at('abc', 'a string'), at(HUGE, '1e400')];
    case 'Boolean':
      return [at('yes', 'a string')];
    case 'String':
    case 'ID': {
      const limit = textLimit(name, type.name);
      const text = [
        at('a\u0000b', 'NUL byte'),
        at('a\u0007b', 'control character'),
        at('a\ud800b', 'unpaired surrogate'),
        at('ế'.repeat(limit + 1), `${limit + 1} characters`),
      ];
      // A `code` is the new record's own identifier (createLivelihoodProject): any code that
      // fits is a good one. Other ids name existing records.
      if (type.name === 'String' || name === 'code') return text;
      return [
        ...text,
        { value: 'abc', what: 'not an id', exact: false },
        { value: '99999999999999999999', what: 'an id past int8', exact: false },
        { value: '-1', what: 'a negative id', exact: false },
        { value: '987654321', what: 'an id of nothing', exact: false },
      ];
    }
    default:
      return [];
  }
}

/** A well-typed value: the filler around the field under test. */
function filler(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return filler(type.ofType);
  if (isListType(type)) return [filler(type.ofType)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, filler(f.type)]),
    );
  }
  if (isEnumType(type)) return type.getValues()[0]!.name;
  switch ((type as GraphQLNamedType).name) {
    case 'Date':
      return '2024-06-01';
    case 'Money':
      return '1000000';
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'ID':
      return '1';
    default:
      return 'x';
  }
}

interface Leaf {
  /** Path inside the input, as refusals name it: `members[0].fullName`. */
  path: string;
  name: string;
  type: GraphQLNamedType;
  /** The whole input with `value` at this leaf. */
  withValue(value: unknown): Record<string, unknown>;
}

/** Every scalar or enum position of an input type, however deep. */
function leaves(type: GraphQLInputType, seen: readonly string[] = []): Array<{ segments: Array<string | number>; name: string; type: GraphQLNamedType }> {
  const named = getNamedType(type);
  if (!isInputObjectType(named)) return [];
  if (seen.includes(named.name)) return [];
  const out: Array<{ segments: Array<string | number>; name: string; type: GraphQLNamedType }> = [];
  for (const field of Object.values(named.getFields())) {
    let t: GraphQLInputType = isNonNullType(field.type) ? field.type.ofType : field.type;
    const segments: Array<string | number> = [field.name];
    if (isListType(t)) {
      segments.push(0);
      t = isNonNullType(t.ofType) ? t.ofType.ofType : t.ofType;
    }
    const inner = getNamedType(t);
    if (isInputObjectType(inner)) {
      for (const sub of leaves(inner, [...seen, named.name])) out.push({ ...sub, segments: [...segments, ...sub.segments] });
    } else if (isScalarType(inner) || isEnumType(inner)) {
      out.push({ segments, name: field.name, type: inner });
    }
  }
  return out;
}

function pathOf(segments: Array<string | number>): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** The input with `value` set at `segments`, intermediate objects and lists filled in. */
function setAt(inputType: GraphQLInputType, segments: Array<string | number>, value: unknown): Record<string, unknown> {
  const root = filler(inputType) as Record<string, unknown>;
  let node: any = root;
  let type: GraphQLInputType = inputType;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const bare = (t: GraphQLInputType) => (isNonNullType(t) ? t.ofType : t);
    type = bare(type);
    if (typeof segment === 'number') {
      const item = (type as any).ofType as GraphQLInputType;
      if (last) node[segment] = value;
      else {
        node[segment] ??= filler(item);
        node = node[segment];
      }
      type = item;
    } else {
      const field = (getNamedType(type) as any).getFields()[segment];
      if (last) node[segment] = value;
      else {
        node[segment] ??= filler(field.type);
        node = node[segment];
      }
      type = field.type;
    }
  });
  return root;
}

interface Case {
  operation: 'query' | 'mutation';
  field: string;
  leaf: Leaf;
  /** The document, with a variable per argument named after it. */
  document: string;
  /** The variables with `value` at the leaf, every required argument filled. */
  variables(value: unknown): Record<string, unknown>;
}

/**
 * Every scalar or enum position of every argument of every root field of `operation`: an
 * argument named `input` is left out of the paths (as refusals name its fields), any other
 * argument starts its path.
 */
function rootCases(operation: 'query' | 'mutation'): Case[] {
  const root = operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const out: Case[] = [];
  for (const field of Object.values(root.getFields())) {
    if (field.args.length === 0) continue;
    const declarations = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
    const call = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const selection = isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type)) ? '' : ' { __typename }';
    const document = `${operation}(${declarations}) { ${field.name}(${call})${selection} }`;
    const required = () => Object.fromEntries(field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, filler(a.type)]));
    for (const arg of field.args) {
      const named = getNamedType(arg.type);
      const prefix = arg.name === 'input' ? [] : [arg.name];
      if (isInputObjectType(named)) {
        for (const l of leaves(arg.type)) {
          const path = pathOf([...prefix, ...l.segments]);
          out.push({
            operation,
            field: field.name,
            document,
            leaf: { path, name: l.name, type: l.type, withValue: (v) => setAt(arg.type, l.segments, v) },
            variables: (v) => ({ ...required(), [arg.name]: setAt(arg.type, l.segments, v) }),
          });
        }
      } else if (isScalarType(named) || isEnumType(named)) {
        // A list argument gets its bad value as the list's one item.
        const list = isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type);
        out.push({
          operation,
          field: field.name,
          document,
          leaf: { path: list ? `${arg.name}[0]` : arg.name, name: arg.name, type: named, withValue: (v) => ({ [arg.name]: v }) },
          variables: (v) => ({ ...required(), [arg.name]: list ? [v] : v }),
        });
      }
    }
  }
  return out;
}

async function send(c: Case, value: unknown): Promise<GraphQLResponse> {
  const body = JSON.stringify({ query: c.document, variables: c.variables(value) });
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: body.replace(`"${HUGE}"`, '1e400'),
  });
  return (await response.json()) as GraphQLResponse;
}

/** Rows of every table of every subgraph; audit_event counts only its writes. */
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const pkg of SUBGRAPHS) {
    const db = stack.databases.kysely<any>(pkg.name);
    const schemaOf = schemaName(pkg.name);
    const { rows: tables } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${schemaOf} AND table_type = 'BASE TABLE' ORDER BY 1`.execute(db);
    for (const { table_name } of tables) {
      const where = table_name === 'audit_event' ? sql`WHERE action = 'write'` : sql``;
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(`${schemaOf}.${table_name}`)} ${where}`.execute(db);
      counts[`${pkg.name}.${table_name}`] = rows[0]!.n;
    }
  }
  return counts;
}

/** Sends every bad value of every case; returns the misses (internal errors apart). */
async function sweep(cases: Case[], acceptNoError: boolean): Promise<{ sent: number; internal: string[]; wrong: string[] }> {
  let sent = 0;
  const internal: string[] = [];
  const wrong: string[] = [];
  for (const c of cases) {
    for (const bad of badValuesOf(c.leaf.type, c.leaf.name)) {
      const r = await send(c, bad.value);
      sent++;
      const label = `${c.field} ${c.leaf.path} (${bad.what})`;
      const errors = r.errors ?? [];
      if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || e.extensions?.code === undefined)) {
        internal.push(`${label}: ${JSON.stringify(errors).slice(0, 300)}`);
        continue;
      }
      const error = errors[0];
      const leaks = JSON.stringify(errors);
      if (!error) {
        if (bad.exact || !acceptNoError) wrong.push(`${label}: accepted: ${JSON.stringify(r).slice(0, 200)}`);
      } else if (errors.length !== 1) wrong.push(`${label}: ${errors.length} errors: ${leaks.slice(0, 300)}`);
      else if (/https?:\/\/|stacktrace|invalid byte sequence|violates|SQLSTATE/i.test(leaks)) wrong.push(`${label}: leaks ${leaks.slice(0, 300)}`);
      else if (bad.exact && (error.extensions?.code !== 'BAD_USER_INPUT' || error.extensions?.field !== c.leaf.path)) {
        wrong.push(`${label}: ${error.extensions?.code} field=${error.extensions?.field}: ${error.message.slice(0, 200)}`);
      } else if (!bad.exact && !(error.extensions?.code === 'NOT_FOUND' || (error.extensions?.code === 'BAD_USER_INPUT' && error.extensions?.field))) {
        wrong.push(`${label}: ${error.extensions?.code} field=${error.extensions?.field}: ${error.message.slice(0, 200)}`);
      }
    }
  }
  return { sent, internal, wrong };
}

describe('a generated sweep of bad values', () => {
  it('over every mutation: each refused at the edge as BAD_USER_INPUT naming its field, no internal error, nothing written', async () => {
    const cases = rootCases('mutation');
    const mutations = new Set(cases.map((c) => c.field));
    expect(mutations.size).toBeGreaterThanOrEqual(23);
    const before = await rowCounts();
    const { sent, internal, wrong } = await sweep(cases, false);
    console.info(
      `bad-input sweep (mutations): ${sent} cases over ${mutations.size} mutations, ${internal.length} internal errors, ${wrong.length} other misses`,
    );
    expect(internal).toEqual([]);
    expect(wrong).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  }, 120_000);

  it('over every argument of every query: bad scalars and text refused naming the argument, no internal error', async () => {
    const cases = rootCases('query');
    const queries = new Set(cases.map((c) => c.field));
    const before = await rowCounts();
    // A wrong id in a query is a record that is not there: null, no error, is an answer too.
    const { sent, internal, wrong } = await sweep(cases, true);
    console.info(
      `bad-input sweep (queries): ${sent} cases over ${queries.size} query fields, ${internal.length} internal errors, ${wrong.length} other misses`,
    );
    expect(internal).toEqual([]);
    expect(wrong).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  }, 120_000);
});
