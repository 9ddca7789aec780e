import fs from 'node:fs';
import { parseArgs } from 'node:util';
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
import { apolloComputeResponse, shapeResponse } from '../gateway/result-shaping.js';
import { SUPERGRAPH_PATH } from '../gateway/gateway.js';
import { loadOperations } from '../platform/operations.js';
import { runMain } from './lib/main.js';

// npm run bench:shaping [-- --list 100 --ms 500]
//
// The last step of a federated answer alone, in this one process: each operation of
// schema/operations shaped from merged subgraph data (valid, lists of `--list` items at the top
// and 4 below) by @apollo/gateway's computeResponse and by gateway/result-shaping.ts, then
// serialised, as the gateway does. Alternating runs of `--ms` each; the best of three of each.
// A new Operation object for every answer, as executeQueryPlan makes one a request.

const { values } = parseArgs({ options: { list: { type: 'string', default: '100' }, ms: { type: 'string', default: '500' } } });
const LIST = Number(values.list);
const MS = Number(values.ms);

const api = Supergraph.build(fs.readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema();

function leaf(type: Type): unknown {
  const named = baseType(type);
  if (isEnumType(named)) return named.values[0]!.name;
  return named.name === 'Int' ? 5 : named.name === 'Float' ? 1.5 : named.name === 'Boolean' ? true : 'text';
}

function value(type: Type, selectionSet: SelectionSet | undefined, depth: number): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return Array.from({ length: depth < 2 ? LIST : 4 }, () => value(inner.ofType, selectionSet, depth + 1));
  if (isCompositeType(inner)) return object(selectionSet!, inner, depth + 1);
  return leaf(inner);
}

function object(selectionSet: SelectionSet, type: CompositeType, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FragmentSelection') {
      Object.assign(out, object(selection.selectionSet, selection.element.typeCondition ?? type, depth));
      continue;
    }
    const field = selection.element;
    out[field.responseName()] = field.name === '__typename' ? type.name : value(field.definition.type!, selection.selectionSet, depth);
  }
  return out;
}

async function main(): Promise<number> {
  const library = apolloComputeResponse();
  console.log(`| operation | merged data | @apollo/gateway | result-shaping.ts | ratio |\n|---|---|---|---|---|`);
  for (const o of loadOperations()) {
    const document = parse(o.document);
    const operation = (): Operation => operationFromDocument(api, document, { validate: false });
    const first = operation();
    const input = object(first.selectionSet, api.schemaDefinition.rootType(first.rootKind)!, 0);
    const run = (fn: typeof shapeResponse): number => {
      const started = performance.now();
      let n = 0;
      while (performance.now() - started < MS) {
        JSON.stringify(fn({ operation: operation(), variables: o.variables, input, introspectionHandling: () => null }).data);
        n++;
      }
      return (performance.now() - started) / n;
    };
    const theirs: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < 3; round++) {
      theirs.push(run(library));
      ours.push(run(shapeResponse));
    }
    const a = Math.min(...theirs);
    const b = Math.min(...ours);
    console.log(`| ${o.name} | ${(JSON.stringify(input).length / 1024).toFixed(0)} KB | ${a.toFixed(2)} ms | ${b.toFixed(2)} ms | ${(a / b).toFixed(2)}× |`);
  }
  return 0;
}

await runMain(main);
