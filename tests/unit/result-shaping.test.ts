import fs from 'node:fs';
import { parse } from 'graphql';
import {
  baseType,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  operationFromDocument,
  Supergraph,
  type CompositeType,
  type Operation,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import { createRequire } from 'node:module';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { describe, expect, it } from 'vitest';
import { apolloComputeResponse, installResultShaping, shapeResponse } from '../../gateway/result-shaping.js';
import { SUPERGRAPH_PATH } from '../../gateway/gateway.js';
import { loadOperations } from '../../platform/operations.js';
import { seededRandom } from '../support/random.js';

// gateway/result-shaping.ts replaces @apollo/gateway's computeResponse in every request: it must
// give the same answer and the same errors (message and path) on every input, including the
// inputs a misbehaving subgraph sends: nulls where the schema forbids them, values of the wrong
// type, unknown enum values and __typename, missing fields. Each operation of schema/operations
// and a few written for the cases they lack (aliases, @skip/@include, fragments, __typename
// under an alias, introspection) is shaped from random subgraph data by both, many times.

const api = Supergraph.build(fs.readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema();
const library = apolloComputeResponse();

type Rand = () => number;

function leaf(type: Type, rand: Rand): unknown {
  const named = baseType(type);
  const r = rand();
  // A subgraph that misbehaves: a value of another kind than the type's.
  if (r < 0.04) return [true, 1.5, 'text', 42, {}, -3][Math.floor(rand() * 6)];
  if (isEnumType(named)) return r < 0.07 ? 'NOT_A_VALUE' : named.values[Math.floor(rand() * named.values.length)]!.name;
  switch (named.name) {
    case 'Int':
      return Math.floor(rand() * 2000) - 1000;
    case 'Float':
      return rand() * 100;
    case 'Boolean':
      return rand() < 0.5;
    case 'ID':
      return rand() < 0.5 ? String(Math.floor(rand() * 1e6)) : Math.floor(rand() * 1e6);
    default:
      return `v${Math.floor(rand() * 1000)}`;
  }
}

function value(type: Type, selectionSet: SelectionSet | undefined, rand: Rand, depth: number): unknown {
  if (rand() < (isNonNullType(type) ? 0.03 : 0.1)) return null;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const n = depth > 3 ? Math.floor(rand() * 2) : Math.floor(rand() * 4);
    return Array.from({ length: n }, () => value(inner.ofType, selectionSet, rand, depth + 1));
  }
  if (isCompositeType(inner)) return object(selectionSet!, inner, rand, depth + 1);
  return leaf(inner, rand);
}

function object(selectionSet: SelectionSet, type: CompositeType, rand: Rand, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = rand();
  if (r < 0.3) out.__typename = type.name;
  else if (r < 0.33) out.__typename = 'NoSuchType';
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FragmentSelection') {
      Object.assign(out, object(selection.selectionSet, selection.element.typeCondition ?? type, rand, depth));
      continue;
    }
    const field = selection.element;
    if (rand() < 0.03) continue; // a field the subgraph left out
    if (field.name === '__typename') {
      if (rand() < 0.5) out[field.responseName()] = rand() < 0.9 ? type.name : 'Query';
      continue;
    }
    if (field.name === '__schema' || field.name === '__type') continue;
    out[field.responseName()] = value(field.definition.type!, selection.selectionSet, rand, depth);
  }
  return out;
}

type Shaped = { data: string; errors: Array<{ message: string; path: unknown }> } | { thrown: true; message: string };

function shape(fn: typeof shapeResponse, operation: Operation, variables: Record<string, unknown>, input: Record<string, unknown>): Shaped {
  try {
    const { data, errors } = fn({ operation, variables, input, introspectionHandling: (f) => ({ asked: f.element.responseName() }) });
    return { data: JSON.stringify(data), errors: errors.map((e) => ({ message: e.message, path: e.path })) };
  } catch (error) {
    // The library's assertions say "Assertion failed: …"; what matters is that both refuse.
    return { thrown: true, message: (error as Error).message.replace(/^Assertion failed: /, '') };
  }
}

const WRITTEN = [
  {
    name: 'aliases, directives and fragments',
    document: `query Written($withName: Boolean!, $skipCode: Boolean = false) {
      t1: __typename
      city { kind: __typename code @skip(if: $skipCode) name @include(if: $withName) ...Named }
      communes(filter: { codes: ["00001"] }) { code other: code ... on Commune { name kind: __typename } c: __typename }
    }
    fragment Named on City { again: name }`,
    variables: [{ withName: true }, { withName: false, skipCode: true }],
  },
  { name: 'introspection beside data', document: `{ __type(name: "City") { name } city { name } }`, variables: [{}] },
];

const cases = [...loadOperations().map((o) => ({ name: o.name, document: o.document, variables: [o.variables] })), ...WRITTEN];

describe('result shaping (gateway/result-shaping.ts) against @apollo/gateway computeResponse', () => {
  for (const c of cases) {
    it(`${c.name}: the same answer and errors on random subgraph data`, () => {
      const operation = operationFromDocument(api, parse(c.document), { validate: false });
      const rand = seededRandom(c.name.length * 7919);
      let errors = 0;
      for (let i = 0; i < 300; i++) {
        const variables = c.variables[i % c.variables.length]!;
        const input = object(operation.selectionSet, api.schemaDefinition.rootType(operation.rootKind)!, rand, 0);
        delete input.__typename;
        const theirs = shape(library, operation, variables, structuredClone(input));
        const ours = shape(shapeResponse, operation, variables, structuredClone(input));
        expect(ours, `input ${JSON.stringify(input)}`).toEqual(theirs);
        if ('errors' in theirs && theirs.errors.length > 0) errors++;
      }
      // The inputs reach the paths that matter: some answers are exact, some carry errors.
      expect(errors).toBeGreaterThan(0);
      expect(errors).toBeLessThan(300);
    });
  }

  it('keeps a response name such as "__proto__" as an own property, as the library does', () => {
    const operation = operationFromDocument(api, parse('{ city { __proto__: name } }'), { validate: false });
    const input = JSON.parse('{"city":{"__proto__":"Hà Nội"}}') as Record<string, unknown>;
    const ours = shapeResponse({ operation, input, introspectionHandling: () => null });
    expect(JSON.stringify(ours.data)).toBe('{"city":{"__proto__":"Hà Nội"}}');
    expect(JSON.stringify(ours.data)).toBe(JSON.stringify(library({ operation, input, introspectionHandling: () => null }).data));
    expect(Object.getPrototypeOf(Object.getPrototypeOf((ours.data as { city: object }).city))).toBeNull();
  });
});

describe('result shaping in the gateway', () => {
  // installResultShaping replaces the export that @apollo/gateway's executeQueryPlan calls
  // through at each request. A version of the library that bound the function at import
  // instead would silently run its own shaping again (the differential test above would still
  // pass): this runs a request through a real ApolloGateway and requires that it calls the export.
  it("a gateway request runs the function installed in @apollo/gateway's resultShaping module", async () => {
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
    const shapingModule = createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as { computeResponse: typeof shapeResponse };
    installResultShaping('fast');
    expect(shapingModule.computeResponse).toBe(shapeResponse);
    let calls = 0;
    shapingModule.computeResponse = (...args) => {
      calls++;
      return shapeResponse(...args);
    };
    // Every subgraph answers the one fetch the plan makes for `{ city { name } }`.
    const service: GraphQLDataSource = { process: () => Promise.resolve({ data: { city: { name: 'Hà Nội' } } }) };
    const server = new ApolloServer({
      gateway: new ApolloGateway({ supergraphSdl: fs.readFileSync(SUPERGRAPH_PATH, 'utf8'), buildService: () => service }),
      plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()],
    });
    await server.start();
    try {
      for (let i = 1; i <= 2; i++) {
        const response = await server.executeOperation({ query: '{ city { name } }' });
        expect(response.body.kind === 'single' ? response.body.singleResult : undefined).toEqual({ data: { city: { name: 'Hà Nội' } } });
        expect(calls).toBe(i);
      }
    } finally {
      await server.stop();
      installResultShaping('fast');
    }
  });
});
