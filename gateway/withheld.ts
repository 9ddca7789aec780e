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
 * The gateway's view of withheld counts: the subgraphs withhold them (and the gateway does not
 * pass subgraph extensions on), so it finds each `@count` field that came back null in the
 * final result (a count or an `@amount` is null only when withheld) and reports its path.
 */
export function findWithheldCounts(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: Record<string, unknown> | null | undefined,
  rules: AccessRules,
  threshold: number,
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
        if (object[key] === null && (rules.counts.has(coordinate) || rules.amounts.has(coordinate))) found.push({ path: [...path, key], coordinate, reason });
        const child = getNamedType(field.type);
        if (selection.selectionSet && (isObjectType(child) || isAbstractType(child))) walk(selection.selectionSet, child as GraphQLCompositeType, object[key], [...path, key]);
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
