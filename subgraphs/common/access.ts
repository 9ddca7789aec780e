import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  BREAK,
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  getOperationAST,
  GraphQLError,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  responsePathAsArray,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { forbidden, unauthenticated, type Viewer } from './auth.js';

/**
 * What the SDL says about access, read from the directives of the `privacy` spec that every
 * subgraph imports (and composes into the supergraph, so the composed schema shows them):
 *
 * - `@access(scope: "records:read")` on a type or field: selecting it needs that scope;
 * - `@personal` on a field: personal data, needs `personal:read`, and every read is audited;
 * - `@count` on a field: a count of households or people, withheld from roles without
 *   `counts:exact` when it is between 1 and the small-count threshold.
 *
 * Mutations need `<subgraph>:write` of the subgraph that owns them.
 */
export interface AccessRules {
  typeScopes: Map<string, string>;
  fieldScopes: Map<string, string>;
  personal: Set<string>;
  counts: Set<string>;
  /** The subgraph that owns each mutation field. */
  mutationOwners: Map<string, string>;
}

export const PERSONAL_SCOPE = 'personal:read';
export const RECORDS_SCOPE = 'records:read';
export const EXACT_COUNTS_SCOPE = 'counts:exact';
export const AUDIT_SCOPE = 'audit:read';

/**
 * Reads the rules from a subgraph's SDL (give its name: it owns every mutation there) or from
 * the supergraph (where `@join__field(graph: ...)` says which subgraph owns each mutation).
 */
export function accessRules(document: DocumentNode, subgraph?: string): AccessRules {
  const rules: AccessRules = { typeScopes: new Map(), fieldScopes: new Map(), personal: new Set(), counts: new Set(), mutationOwners: new Map() };
  const graphNames = new Map<string, string>();
  for (const def of document.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'join__Graph') {
      for (const value of def.values ?? []) {
        const name = stringArgument(value.directives?.find((d) => d.name.value === 'join__graph'), 'name');
        if (name) graphNames.set(value.name.value, name);
      }
    }
  }
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeName = def.name.value;
    const typeScope = stringArgument(def.directives?.find((d) => d.name.value === 'access'), 'scope');
    if (typeScope) rules.typeScopes.set(typeName, typeScope);
    for (const field of def.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        const name = directive.name.value;
        if (name === 'personal') {
          rules.personal.add(coordinate);
          rules.fieldScopes.set(coordinate, PERSONAL_SCOPE);
        } else if (name === 'access') {
          const scope = stringArgument(directive, 'scope');
          if (scope) rules.fieldScopes.set(coordinate, scope);
        } else if (name === 'count') {
          rules.counts.add(coordinate);
        }
      }
      if (typeName === 'Mutation') {
        const graph = enumArgument(field.directives?.find((d) => d.name.value === 'join__field'), 'graph');
        const owner = graph ? graphNames.get(graph) : subgraph;
        if (owner) rules.mutationOwners.set(field.name.value, owner);
      }
    }
  }
  return rules;
}

function stringArgument(directive: DirectiveNode | undefined, name: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function enumArgument(directive: DirectiveNode | undefined, name: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

/**
 * The first thing in the document (any operation, any fragment, under any alias) that the
 * viewer may not select, as an error; null when all of it is allowed. Checking the whole
 * document before anything runs means a denied request reads and writes nothing. `selected`,
 * when given, learns whether the document selects any personal field (the gateway never
 * shares such a request's fetches, so that each read is audited).
 */
export function checkAccess(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: AccessRules,
  viewer: Viewer,
  selected?: { personal: boolean },
): GraphQLError | null {
  const typeInfo = new TypeInfo(schema);
  const mutationType = schema.getMutationType();
  let denial: GraphQLError | null = null;
  const deny = (coordinate: string, scope: string, what: string) => {
    const extensions = { scope, coordinate };
    denial = viewer.isPublic
      ? unauthenticated(`${coordinate} is ${what}: it needs a bearer token whose role grants "${scope}"`)
      : forbidden(`${coordinate} is ${what}, which needs the "${scope}" scope; ${viewer.describe()} does not have it`);
    Object.assign(denial.extensions, extensions);
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const name = node.name.value;
        const parent = typeInfo.getParentType();
        if (!parent || name.startsWith('__')) return undefined;
        const coordinate = `${parent.name}.${name}`;
        if (selected && rules.personal.has(coordinate)) selected.personal = true;
        const typeScope = rules.typeScopes.get(parent.name);
        if (typeScope && !viewer.has(typeScope)) {
          deny(coordinate, typeScope, typeScope === RECORDS_SCOPE ? 'part of a household-level record' : 'restricted');
          return BREAK;
        }
        const fieldScope = rules.fieldScopes.get(coordinate);
        if (fieldScope && !viewer.has(fieldScope)) {
          deny(coordinate, fieldScope, rules.personal.has(coordinate) ? 'personal data' : fieldScope === AUDIT_SCOPE ? 'the audit trail' : 'restricted');
          return BREAK;
        }
        if (mutationType && parent.name === mutationType.name) {
          const owner = rules.mutationOwners.get(name);
          const scope = owner ? `${owner}:write` : '*';
          if (!viewer.has(scope)) {
            deny(coordinate, scope, owner ? `a ${owner} write` : 'a write');
            return BREAK;
          }
        }
        return undefined;
      },
    }),
  );
  return denial;
}

export interface WithheldCount {
  path: Array<string | number>;
  coordinate: string;
  reason: string;
}

function withheldReason(threshold: number): string {
  return `withheld: a count from 1 to ${threshold} could identify a family; a token with the "${EXACT_COUNTS_SCOPE}" scope sees it`;
}

/**
 * One request's access state: the viewer, and what the request did that must be reported
 * (withheld counts) or audited (personal fields read).
 */
export class RequestAuth {
  readonly withheld: WithheldCount[] = [];
  /** Personal-field coordinate → the households whose values were read. */
  readonly personalReads = new Map<string, Set<string>>();
  operationName: string | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly smallCountThreshold: number,
    readonly requestId?: string,
  ) {}

  /** Whether a count must be withheld from this viewer. */
  withholds(value: unknown): boolean {
    return typeof value === 'number' && value >= 1 && value <= this.smallCountThreshold && !this.viewer.has(EXACT_COUNTS_SCOPE);
  }

  noteWithheld(path: Array<string | number>, coordinate: string): void {
    this.withheld.push({ path, coordinate, reason: withheldReason(this.smallCountThreshold) });
  }

  notePersonalRead(coordinate: string, householdId: string | undefined): void {
    let ids = this.personalReads.get(coordinate);
    if (!ids) this.personalReads.set(coordinate, (ids = new Set()));
    if (householdId) ids.add(householdId);
  }

  /** The communes whose households this viewer may see; null when every commune. */
  get communeScope(): readonly string[] | null {
    return this.viewer.communes ? [...this.viewer.communes] : null;
  }

  canSeeCommune(code: string): boolean {
    return this.viewer.canSeeCommune(code);
  }

  /** For a record asked for by id: FORBIDDEN when it lies outside the viewer's communes. */
  requireCommune(code: string, what: string): void {
    if (!this.viewer.canSeeCommune(code)) {
      throw forbidden(`${what} belongs to commune ${code}, outside the communes your token names (${[...(this.viewer.communes ?? [])].join(', ')})`);
    }
  }
}

interface WithAuth {
  auth?: RequestAuth;
}

/**
 * Enforces `@count` and `@personal` in a subgraph's own schema, where the values are made:
 * a small count becomes null (noted for the response's extensions), and each personal value
 * read is noted with its household for the audit trail. Wraps the resolvers in place.
 */
export function enforceFieldRules(schema: GraphQLSchema, rules: AccessRules): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const resolve = field.resolve ?? defaultFieldResolver;
      if (rules.counts.has(coordinate)) {
        const withhold = (value: unknown, auth: RequestAuth | undefined, info: GraphQLResolveInfo) => {
          // Without an access state (never in a served request) the safe answer is to withhold.
          if (auth ? auth.withholds(value) : typeof value === 'number' && value >= 1) {
            auth?.noteWithheld(responsePathAsArray(info.path), coordinate);
            return null;
          }
          return value;
        };
        field.resolve = (source, args, context: WithAuth, info) => {
          const value = resolve(source, args, context, info);
          return value instanceof Promise ? value.then((v) => withhold(v, context.auth, info)) : withhold(value, context.auth, info);
        };
      } else if (rules.personal.has(coordinate)) {
        field.resolve = (source, args, context: WithAuth, info) => {
          context.auth?.notePersonalRead(coordinate, householdIdOf(type.name, source));
          return resolve(source, args, context, info);
        };
      }
    }
  }
}

/** The household a personal value belongs to, from the row the resolver got. */
function householdIdOf(typeName: string, source: unknown): string | undefined {
  const row = source as { id?: unknown; household_id?: unknown; householdId?: unknown } | null;
  if (!row) return undefined;
  const id = row.household_id ?? row.householdId ?? (typeName === 'Household' ? row.id : undefined);
  return id == null ? undefined : String(id);
}

/**
 * A value derived from a count (a rate, a share) is withheld with that count, or it would give
 * the count away: null, noted like the count itself.
 */
export function unlessWithheld<T>(count: number | null | undefined, value: T, auth: RequestAuth | undefined, info: GraphQLResolveInfo): T | null {
  if (count == null || !(auth ? auth.withholds(count) : count >= 1)) return value;
  auth?.noteWithheld(responsePathAsArray(info.path), `${info.parentType.name}.${info.fieldName}`);
  return null;
}

/**
 * The subgraph side of access control: refuses a document the viewer may not run (before any
 * resolver), reports withheld counts in `extensions.withheld`, and hands the personal fields
 * read to `audit` before the response leaves; if that record cannot be written, the response
 * carries an error instead of the personal data.
 */
export function accessPlugin<TContext extends BaseContext & { auth: RequestAuth }>(options: {
  rules: AccessRules;
  audit?: (context: TContext) => Promise<void>;
}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, schema, operationName }) {
          // The gateway names its fetches "<client's name>__<subgraph>__<n>": keep the client's.
          contextValue.auth.operationName = operationName?.replace(/__[a-z0-9_]+__\d+$/, '') ?? null;
          const denial = checkAccess(schema, document, options.rules, contextValue.auth.viewer);
          if (denial) throw denial;
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const auth = contextValue.auth;
          if (!auth) return;
          if (auth.withheld.length) result.extensions = { ...result.extensions, withheld: auth.withheld };
          if (auth.personalReads.size && options.audit) {
            try {
              await options.audit(contextValue);
            } catch (error) {
              response.body.singleResult = {
                errors: [new GraphQLError(`Personal data was not returned: the read could not be recorded in the audit trail (${(error as Error).message})`, { extensions: { code: 'AUDIT_FAILED' } }).toJSON()],
              };
            }
          }
        },
      };
    },
  };
}

export interface RequestLimits {
  /** Deepest field nesting (introspection fields are not counted). */
  maxDepth: number;
  /** Aliased fields in one document. */
  maxAliases: number;
  /** Estimated cost: one per field, lists multiplied by their page size (or `listSize`). */
  maxCost: number;
  /** Largest `first` or `last` argument. */
  maxPageSize: number;
  /** The size a list without a page-size argument is assumed to have. */
  listSize: number;
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): RequestLimits {
  const read = (name: string, fallback: number) => {
    const value = env[name];
    if (!value) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${value}"`);
    return n;
  };
  return {
    maxDepth: read('MAX_QUERY_DEPTH', 12),
    maxAliases: read('MAX_QUERY_ALIASES', 50),
    maxCost: read('MAX_QUERY_COST', 50_000),
    maxPageSize: read('MAX_PAGE_SIZE', 100),
    listSize: read('ASSUMED_LIST_SIZE', 10),
  };
}

function limitError(limit: string, message: string, actual: number, maximum: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit, actual, maximum, http: { status: 400 } } });
}

/**
 * Depth, aliases, estimated cost and page size of the operation that will run, before any
 * subgraph is asked. Introspection (`__schema`, `__type`) is exempt: the playground needs it.
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
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return null;
  let aliases = 0;
  let pageError: GraphQLError | null = null;
  const valueOf = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined;
    if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };
  const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, seen: Set<string>): { depth: number; cost: number } => {
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        if (selection.alias) aliases++;
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
            pageError = new GraphQLError(`${parent.name}.${name}: ${argName} is ${n}; at most ${limits.maxPageSize} per page`, { extensions: { code: 'BAD_USER_INPUT', field: argName, limit: 'pageSize', actual: n, maximum: limits.maxPageSize, http: { status: 400 } } });
          }
        }
        // A connection's own lists are already counted by its page size.
        const isList = isListType(getNullableType(field.type));
        const multiplier = page ?? (isList && !parent.name.endsWith('Connection') ? limits.listSize : 1);
        const child = getNamedType(field.type);
        const sub = selection.selectionSet && (isObjectType(child) || isAbstractType(child)) ? measure(selection.selectionSet, child as GraphQLCompositeType, seen) : { depth: 0, cost: 0 };
        depth = Math.max(depth, 1 + sub.depth);
        cost += 1 + multiplier * sub.cost;
      } else {
        let set: SelectionSetNode;
        let typeName: string | undefined;
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          set = selection.selectionSet;
          typeName = selection.typeCondition?.name.value;
        } else {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || seen.has(fragment.name.value)) continue;
          set = fragment.selectionSet;
          typeName = fragment.typeCondition.name.value;
          seen = new Set([...seen, fragment.name.value]);
        }
        const type = typeName ? schema.getType(typeName) : parent;
        if (!type || !(isObjectType(type) || isAbstractType(type))) continue;
        const sub = measure(set, type as GraphQLCompositeType, seen);
        depth = Math.max(depth, sub.depth);
        cost += sub.cost;
      }
    }
    return { depth, cost };
  };
  const { depth, cost } = measure(operation.selectionSet, root, new Set());
  if (pageError) return pageError;
  if (depth > limits.maxDepth) return limitError('depth', `The query is ${depth} fields deep; at most ${limits.maxDepth} are allowed`, depth, limits.maxDepth);
  if (aliases > limits.maxAliases) return limitError('aliases', `The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed`, aliases, limits.maxAliases);
  if (cost > limits.maxCost) return limitError('cost', `The query's estimated cost is ${cost}; at most ${limits.maxCost} is allowed (lists count as their page size, or ${limits.listSize} without one)`, cost, limits.maxCost);
  return null;
}

/**
 * The gateway's view of withheld counts: the subgraphs withhold them (and the gateway does not
 * pass subgraph extensions on), so it finds each `@count` field that came back null in the
 * final result (a count is null only when withheld) and reports its path.
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
  if (!operation || operation.operation !== 'query' || !root || !data || !rules.counts.size) return [];
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
        if (object[key] === null && rules.counts.has(coordinate)) found.push({ path: [...path, key], coordinate, reason });
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
