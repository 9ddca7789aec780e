import { createRequire } from 'node:module';
import type { Operation, Schema } from '@apollo/federation-internals';
import { Kind, type DefinitionNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';

// @apollo/gateway's executeQueryPlan rebuilds the request's operation, in @apollo/federation-
// internals' own form (`operationFromDocument`), on every request, after the query plan has come
// from its cache: walking the document, resolving every field against the schema, building
// selection sets. For the same query text Apollo Server hands the gateway the same parsed
// document every time (its document cache), so the same operation can be given back: this
// keeps one per schema and operation definition node, only for that call. The planner's own
// call (validated, on a plan-cache miss) and every other caller go through unchanged.

type OperationFromDocument = (schema: Schema, document: DocumentNode, options?: { operationName?: string; validate?: boolean }) => Operation;
type OperationsModule = { operationFromDocument: OperationFromDocument };

/** Per schema (a new supergraph is a new schema), per operation definition node: the fragments it was built with and the operation. */
const kept = new WeakMap<Schema, WeakMap<OperationDefinitionNode, { fragments: readonly DefinitionNode[]; operation: Operation }>>();
let original: OperationFromDocument | undefined;

function operationsModule(): OperationsModule {
  // The module whose export executeQueryPlan reaches through @apollo/federation-internals'
  // re-export getters (compiled TypeScript: `(0, federation_internals_1.operationFromDocument)(…)`).
  return createRequire(import.meta.url)('@apollo/federation-internals/dist/operations.js') as OperationsModule;
}

/**
 * operationFromDocument, giving back the operation it built before for executeQueryPlan's call:
 * `validate: false`, no operation name, the document's first definition the request's
 * operation and the rest its fragments, all the same nodes as the time before.
 */
export function keptOperationFromDocument(schema: Schema, document: DocumentNode, options?: { operationName?: string; validate?: boolean }): Operation {
  const build = original!;
  const [first, ...fragments] = document.definitions;
  if (options?.validate !== false || options.operationName !== undefined || first?.kind !== Kind.OPERATION_DEFINITION) return build(schema, document, options);
  let bySchema = kept.get(schema);
  if (!bySchema) kept.set(schema, (bySchema = new WeakMap()));
  const hit = bySchema.get(first);
  if (hit && hit.fragments.length === fragments.length && hit.fragments.every((f, i) => f === fragments[i])) return hit.operation;
  const operation = build(schema, document, options);
  bySchema.set(first, { fragments, operation });
  return operation;
}

/** Puts keptOperationFromDocument (`keep`) or the library's own function in executeQueryPlan's path. */
export function installOperationCache(keep: boolean): void {
  const module = operationsModule();
  original ??= module.operationFromDocument;
  module.operationFromDocument = keep ? keptOperationFromDocument : original;
}
