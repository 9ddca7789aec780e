import {
  getNamedType,
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { withheldReason, type WithheldCount } from '../platform/access/request.js';
import type { AccessRules } from '../platform/access/rules.js';

/**
 * What one subgraph fetch said it withheld: the paths of its `extensions.withheld`, relative to
 * its own answer, and where that fetch sits in the caller's request (the query plan's path,
 * with `@` for each list it went through).
 */
export interface WithheldNote {
  /** The fetch's place in the request (`pathInIncomingRequest`), for example `['communes', '@']`. */
  at: ReadonlyArray<string | number>;
  /** The paths the subgraph reported: `['_entities', i, ...]` for an entity fetch. */
  paths: ReadonlyArray<ReadonlyArray<string | number>>;
}

/**
 * The subgraphs' notes as paths in the final answer, each JSON-encoded. An entity fetch's i-th
 * entity is the i-th object found along its plan path, in the order @apollo/gateway collects
 * them (and maps a subgraph's error paths: generateHydratedPaths); a root fetch's paths are
 * relative to its place. A path the planner aliased maps to nowhere and is simply not found.
 */
export function withheldPaths(notes: readonly WithheldNote[], data: unknown): Set<string> {
  const found = new Set<string>();
  for (const note of notes) {
    let entities: Array<Array<string | number>> | undefined;
    for (const path of note.paths) {
      if (path[0] === '_entities' && typeof path[1] === 'number') {
        entities ??= objectsAlong(note.at, data);
        const entity = entities[path[1]];
        if (entity) found.add(JSON.stringify([...entity, ...path.slice(2)]));
      } else {
        found.add(JSON.stringify([...note.at.filter((step) => step !== '@'), ...path]));
      }
    }
  }
  return found;
}

/** The paths of the objects a plan path (with `@` for lists) reaches in `data`, in order. */
function objectsAlong(planPath: ReadonlyArray<string | number>, data: unknown): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const visit = (value: unknown, rest: ReadonlyArray<string | number>, at: Array<string | number>): void => {
    if (value == null) return;
    if (Array.isArray(value)) {
      // Lists are walked whether or not the plan marks them with `@`, as the gateway does.
      const step = rest[0] === '@' ? rest.slice(1) : rest;
      value.forEach((item, i) => visit(item, step, [...at, i]));
      return;
    }
    if (!rest.length) {
      out.push(at);
      return;
    }
    const [head, ...tail] = rest;
    if (typeof value === 'object' && typeof head === 'string' && head in value) visit((value as Record<string, unknown>)[head], tail, [...at, head]);
  };
  visit(data, planPath, []);
  return out;
}

/**
 * The gateway's view of withheld counts: the subgraphs withhold them and say where (their
 * `extensions.withheld`, which the gateway does not pass on), so it reports each `@count` or
 * `@amount` that came back null in the final result at a path a subgraph reported. A count that
 * is null for another reason (no list was drawn that year) is not reported as withheld.
 */
export function findWithheldCounts(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: Record<string, unknown> | null | undefined,
  rules: AccessRules,
  threshold: number,
  reported: ReadonlySet<string>,
): WithheldCount[] {
  const operation = getOperationAST(document, operationName);
  const root = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !root || !data || !(rules.counts.size + rules.amounts.size)) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const found: WithheldCount[] = [];
  const reason = withheldReason(threshold);
  const walk = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, value: unknown, path: Array<string | number>): void => {
    if (value == null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(selectionSet, type, item, [...path, i]));
      return;
    }
    const object = value as Record<string, unknown>;
    const typename = typeof object.__typename === 'string' ? schema.getType(object.__typename) : undefined;
    const concrete = isObjectType(type) ? type : isObjectType(typename) ? typename : undefined;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (!(key in object) || !concrete) continue;
        const field = concrete.getFields()[selection.name.value];
        if (!field) continue;
        const coordinate = `${concrete.name}.${field.name}`;
        if (object[key] === null && (rules.counts.has(coordinate) || rules.amounts.has(coordinate)) && reported.has(JSON.stringify([...path, key]))) {
          found.push({ path: [...path, key], coordinate, reason });
        }
        const child = getNamedType(field.type);
        if (selection.selectionSet && (isObjectType(child) || isAbstractType(child)))
          walk(selection.selectionSet, child as GraphQLCompositeType, object[key], [...path, key]);
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (!condition || !(isObjectType(condition) || isAbstractType(condition))) continue;
        // On an abstract type, a fragment applies to the object only when its __typename says so.
        if (isObjectType(condition) && concrete && condition.name !== concrete.name) continue;
        walk(fragment.selectionSet, (concrete ?? condition) as GraphQLCompositeType, object, path);
      }
    }
  };
  walk(operation.selectionSet, root, data, []);
  return found;
}
