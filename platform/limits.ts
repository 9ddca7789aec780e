import { positiveIntegerFromEnv } from '../db/config.js';
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  GraphQLError,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * Request limits: the one module the gateway and every subgraph use, so that a subgraph reached
 * directly refuses what the gateway would. Every fragment spread counts where it is spread: a
 * fragment spread twice counts twice (depth, aliases and cost alike), as the work it asks for.
 */
export interface RequestLimits {
  /** Deepest field nesting (introspection fields are not counted). */
  maxDepth: number;
  /** Aliased fields in one operation, counted through every fragment spread. */
  maxAliases: number;
  /** Estimated cost: one per field, lists multiplied by their page size (or `listSize`). */
  maxCost: number;
  /** Largest `first` or `last` argument. */
  maxPageSize: number;
  /** The size a list without a page-size argument is assumed to have. */
  listSize: number;
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): RequestLimits {
  const read = (name: string, fallback: number) => positiveIntegerFromEnv(env, name, fallback);
  return {
    maxDepth: read('MAX_QUERY_DEPTH', 12),
    maxAliases: read('MAX_QUERY_ALIASES', 50),
    maxCost: read('MAX_QUERY_COST', 50_000),
    maxPageSize: read('MAX_PAGE_SIZE', 100),
    listSize: read('ASSUMED_LIST_SIZE', 10),
  };
}

/**
 * A subgraph answers the gateway's fetches, which nest one level deeper than the client's query
 * (`_entities { ... on Commune { ... } }`) and may list up to a whole page of entities: it allows
 * that much more, and nothing else.
 */
export function subgraphLimits(limits: RequestLimits): RequestLimits {
  return { ...limits, maxDepth: limits.maxDepth + 1 };
}

function limitError(limit: string, message: string, actual: number, maximum: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit, actual, maximum, http: { status: 400 } } });
}

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

/**
 * Depth, aliases, estimated cost and page size of the operation that will run, before any
 * resolver. Introspection (`__schema`, `__type`) is exempt: the playground needs it. A fragment
 * is measured once per type it is spread on and its measure added at every spread, so a document
 * that spreads fragments into one another many times is measured in time linear in its size.
 */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  limits: RequestLimits,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return null;
  let pageError: GraphQLError | null = null;
  const valueOf = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined;
    if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };
  const memo = new Map<string, Measure>();
  // Fragment cycles are refused by validation before this runs; `open` keeps a document that
  // skipped validation from looping here.
  const open = new Set<string>();
  const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): Measure => {
    let depth = 0;
    let cost = 0;
    let aliases = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') continue;
        if (selection.alias) aliases++;
        if (name === '__typename') {
          depth = Math.max(depth, 1);
          cost += 1;
          continue;
        }
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field) continue;
        let page: number | undefined;
        for (const argName of ['first', 'last']) {
          if (!field.args.some((a) => a.name === argName)) continue;
          const given = valueOf(selection.arguments?.find((a) => a.name.value === argName)?.value);
          const fallback = field.args.find((a) => a.name === argName)?.defaultValue;
          const n = typeof given === 'number' ? given : typeof fallback === 'number' ? fallback : undefined;
          if (n !== undefined) page = Math.max(page ?? 0, n);
          if (n !== undefined && n > limits.maxPageSize && !pageError) {
            pageError = new GraphQLError(`${parent.name}.${name}: ${argName} is ${n}; at most ${limits.maxPageSize} per page`, {
              extensions: { code: 'BAD_USER_INPUT', field: argName, limit: 'pageSize', actual: n, maximum: limits.maxPageSize, http: { status: 400 } },
            });
          }
        }
        // A connection's own lists are already counted by its page size.
        const isList = isListType(getNullableType(field.type));
        const multiplier = page ?? (isList && !parent.name.endsWith('Connection') ? limits.listSize : 1);
        const child = getNamedType(field.type);
        const sub =
          selection.selectionSet && (isObjectType(child) || isAbstractType(child))
            ? measure(selection.selectionSet, child as GraphQLCompositeType)
            : { depth: 0, cost: 0, aliases: 0 };
        depth = Math.max(depth, 1 + sub.depth);
        cost += 1 + multiplier * sub.cost;
        aliases += sub.aliases;
      } else {
        let sub: Measure;
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          const typeName = selection.typeCondition?.name.value;
          const type = typeName ? schema.getType(typeName) : parent;
          if (!type || !(isObjectType(type) || isAbstractType(type))) continue;
          sub = measure(selection.selectionSet, type as GraphQLCompositeType);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || open.has(fragment.name.value)) continue;
          const type = schema.getType(fragment.typeCondition.name.value);
          if (!type || !(isObjectType(type) || isAbstractType(type))) continue;
          const key = `${fragment.name.value}@${(type as GraphQLCompositeType).name}`;
          let known = memo.get(key);
          if (!known) {
            open.add(fragment.name.value);
            known = measure(fragment.selectionSet, type as GraphQLCompositeType);
            open.delete(fragment.name.value);
            memo.set(key, known);
          }
          sub = known;
        }
        depth = Math.max(depth, sub.depth);
        cost += sub.cost;
        aliases += sub.aliases;
      }
    }
    return { depth, cost, aliases };
  };
  const { depth, cost, aliases } = measure(operation.selectionSet, root);
  if (pageError) return pageError;
  if (depth > limits.maxDepth) return limitError('depth', `The query is ${depth} fields deep; at most ${limits.maxDepth} are allowed`, depth, limits.maxDepth);
  if (aliases > limits.maxAliases)
    return limitError(
      'aliases',
      `The query uses ${aliases} aliases (every fragment spread counts its own); at most ${limits.maxAliases} are allowed`,
      aliases,
      limits.maxAliases,
    );
  if (cost > limits.maxCost)
    return limitError(
      'cost',
      `The query's estimated cost is ${cost}; at most ${limits.maxCost} is allowed (lists count as their page size, or ${limits.listSize} without one)`,
      cost,
      limits.maxCost,
    );
  return null;
}
