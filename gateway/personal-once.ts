import {
  Kind,
  isCompositeType,
  isObjectType,
  getNamedType,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { flagFromEnv } from '../platform/kept.js';

/**
 * A personal field is read from its subgraph once per request (issue 19).
 *
 * The query planner asks a subgraph again for fields of an entity it has already answered in the
 * same request whenever another subgraph points back at that entity: the household view reads a
 * household's members with their names from the registry, then asks the registry for the names
 * again for the members that social insurance (cards) and employment (placements, training)
 * point to. That third hop (registry → social insurance → registry) was a third of the view's
 * critical path, and three registry fetches of its seven.
 *
 * Here the gateway remembers, for one request only, the personal fields (`@personal` in the
 * supergraph: names, addresses, ID numbers) that a subgraph's answers gave for each entity,
 * by the entity's key in that subgraph; an entity fetch to that subgraph asking only personal
 * fields of entities all already read is answered from them, and nothing is sent.
 *
 * Why only personal fields: they are properties of the person or the household, the same by
 * whichever path they were reached. A figure may not be: a commune reached through
 * `city(year: 2024)` can carry its year to its fields, and the same commune asked by its key
 * would answer for another. Why it changes nothing a caller or the audit trail sees: the fields
 * were read by the same caller, with the same token, in the same request, from the same
 * subgraph, in an answer with no errors; that subgraph recorded the read in its audit trail
 * under this request's id for the households of those entities (a member's household is the
 * member's), which is what the fetch not sent would have recorded again. Only queries; nothing
 * is kept past the request. PERSONAL_READ_ONCE=false sends every fetch.
 */

/** What the supergraph says about entities: each subgraph's keys, and which fields are personal. */
export interface EntityModel {
  /** The API schema, for the types of the fields a fetch selects. */
  schema: GraphQLSchema;
  /** Subgraph name → type name → its resolvable keys there, each a sorted list of field names. */
  keys: Map<string, Map<string, string[][]>>;
  /** Coordinates (`Type.field`) of the personal fields. */
  personal: Set<string>;
}

export function personalReadOnceFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return flagFromEnv('PERSONAL_READ_ONCE', env);
}

/** Reads the keys (`@join__type(graph:, key:)`) and personal fields (`@personal`) of a supergraph. */
export function entityModel(supergraph: DocumentNode, schema: GraphQLSchema): EntityModel {
  const graphs = new Map<string, string>();
  const keys = new Map<string, Map<string, string[][]>>();
  const personal = new Set<string>();
  for (const definition of supergraph.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const name = value.directives?.find((d) => d.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name')?.value;
        if (name?.kind === Kind.STRING) graphs.set(value.name.value, name.value);
      }
    }
  }
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const type = definition.name.value;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const argument = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
      const graph = argument('graph');
      const key = argument('key');
      const resolvable = argument('resolvable');
      if (graph?.kind !== Kind.ENUM || key?.kind !== Kind.STRING) continue;
      if (resolvable?.kind === Kind.BOOLEAN && !resolvable.value) continue;
      // Only keys of plain fields ("id", "communeCode year"), not of nested selections.
      if (key.value.includes('{')) continue;
      const subgraph = graphs.get(graph.value);
      if (!subgraph) continue;
      const byType = keys.get(subgraph) ?? new Map<string, string[][]>();
      keys.set(subgraph, byType);
      byType.set(type, [...(byType.get(type) ?? []), key.value.trim().split(/\s+/).sort()]);
    }
    for (const field of definition.fields ?? []) {
      if (field.directives?.some((d) => d.name.value === 'personal')) personal.add(`${type}.${field.name.value}`);
    }
  }
  return { schema, keys, personal };
}

/** A fetch's document, parsed once per model, and what this needs of it. */
interface FetchShape {
  document: DocumentNode;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Whether it selects a personal field anywhere: only then is its answer read. */
  selectsPersonal: boolean;
  /**
   * For an entity fetch asking only personal fields: per type, the response key and field of
   * each field asked (`__typename` included when asked); undefined for any other fetch.
   */
  entityFields: Map<string, Array<[string, string]>> | undefined;
}

const shapes = new WeakMap<EntityModel, Map<string, FetchShape | null>>();
/** Distinct fetch documents remembered per model: a plan's fetches are a few hundred at most. */
const MAX_SHAPES = 2000;

function shapeOf(model: EntityModel, query: string): FetchShape | null {
  let byQuery = shapes.get(model);
  if (!byQuery) shapes.set(model, (byQuery = new Map<string, FetchShape | null>()));
  let shape = byQuery.get(query);
  if (shape === undefined) {
    shape = analyse(model, query);
    if (byQuery.size >= MAX_SHAPES) byQuery.clear();
    byQuery.set(query, shape);
  }
  return shape;
}

function analyse(model: EntityModel, query: string): FetchShape | null {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations[0];
  if (operations.length !== 1 || operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // Any field named like a personal one makes the answer worth reading (checked by type there).
  const personalNames = new Set([...model.personal].map((c) => c.slice(c.indexOf('.') + 1)));
  const selectsPersonal = [...personalNames].some((name) => new RegExp(`\\b${name}\\b`).test(query));
  return { document, fragments, selectsPersonal, entityFields: entityFieldsOf(model, operation.selectionSet) };
}

/** `{ _entities(representations: $representations) { ... on T { personal fields } } }`, or undefined. */
function entityFieldsOf(model: EntityModel, root: SelectionSetNode): FetchShape['entityFields'] {
  const only = root.selections[0];
  if (
    root.selections.length !== 1 ||
    only?.kind !== Kind.FIELD ||
    only.name.value !== '_entities' ||
    only.alias ||
    only.directives?.length ||
    !only.selectionSet
  )
    return undefined;
  const top: Array<[string, string]> = [];
  const byType = new Map<string, Array<[string, string]>>();
  for (const selection of only.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename' || selection.directives?.length) return undefined;
      top.push([selection.alias?.value ?? '__typename', '__typename']);
      continue;
    }
    if (selection.kind !== Kind.INLINE_FRAGMENT || !selection.typeCondition || selection.directives?.length) return undefined;
    const type = selection.typeCondition.name.value;
    if (!isObjectType(model.schema.getType(type))) return undefined;
    const fields = byType.get(type) ?? [];
    for (const field of selection.selectionSet.selections) {
      if (field.kind !== Kind.FIELD || field.directives?.length || field.arguments?.length || field.selectionSet) return undefined;
      const name = field.name.value;
      if (name !== '__typename' && !model.personal.has(`${type}.${name}`)) return undefined;
      fields.push([field.alias?.value ?? name, name]);
    }
    byType.set(type, fields);
  }
  // __typename asked outside the fragments applies to every type.
  for (const fields of byType.values()) fields.push(...top.filter(([k]) => !fields.some(([f]) => f === k)));
  return byType.size ? byType : undefined;
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** A query plan's nodes, as @apollo/query-planner describes them (only what is read here). */
type PlanNode =
  | { kind: 'Sequence' | 'Parallel'; nodes: PlanNode[] }
  | { kind: 'Flatten'; node: PlanNode }
  | { kind: 'Fetch'; serviceName: string; requires?: unknown[]; operation: string }
  | { kind: 'Condition'; ifClause?: PlanNode; elseClause?: PlanNode }
  | { kind: 'Defer'; primary: { node?: PlanNode }; deferred: Array<{ node?: PlanNode }> }
  | { kind: 'Subscription'; primary: PlanNode; rest?: PlanNode };

/** Each plan's answer (plans are kept by @apollo/gateway and used again). */
const askedAgainByPlan = new WeakMap<object, ReadonlySet<string>>();

/**
 * The subgraphs a query plan sends an entity fetch for personal fields only: the fetches
 * KnownEntities.answer may answer, and so the only subgraphs whose answers are worth
 * remembering. A plan of one fetch, or whose entity fetches ask for figures, has none: walking a
 * 100-household page for names no later fetch asks for was 1.7 ms of the gateway's 10 ms a
 * request (commune households, a CPU profile).
 */
export function subgraphsAskedAgain(model: EntityModel, plan: { node?: unknown }): ReadonlySet<string> {
  const known = askedAgainByPlan.get(plan);
  if (known) return known;
  const subgraphs = new Set<string>();
  const visit = (node: PlanNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Sequence':
      case 'Parallel':
        node.nodes.forEach(visit);
        return;
      case 'Flatten':
        return visit(node.node);
      case 'Fetch':
        if (node.requires?.length && shapeOf(model, node.operation)?.entityFields) subgraphs.add(node.serviceName);
        return;
      case 'Condition':
        visit(node.ifClause);
        return visit(node.elseClause);
      case 'Defer':
        visit(node.primary.node);
        return node.deferred.forEach((d) => visit(d.node));
      case 'Subscription':
        visit(node.primary);
        return visit(node.rest);
    }
  };
  visit(plan.node as PlanNode | undefined);
  askedAgainByPlan.set(plan, subgraphs);
  return subgraphs;
}

/** One request's personal fields as read so far, by subgraph and entity. */
export class KnownEntities {
  /** `subgraph \0 type \0 key values` → personal field → value. */
  private readonly read = new Map<string, Map<string, unknown>>();
  /** Fetches answered here instead of sent (for tests and the metrics). */
  answered = 0;
  /** The subgraphs whose answers are remembered (all, until the plan is known: `planned`). */
  private remembered: ReadonlySet<string> | undefined;

  constructor(private readonly model: EntityModel) {}

  /** The request's query plan is known: only the subgraphs it asks again are remembered. */
  planned(plan: { node?: unknown }): void {
    this.remembered = subgraphsAskedAgain(this.model, plan);
  }

  /**
   * Remembers the personal fields of the entities in a subgraph's answer (a query's answer
   * with no errors: a field nulled by an error is not a value).
   */
  remember(subgraph: string, query: string | undefined, variables: Record<string, unknown> | undefined, data: Record<string, unknown>): void {
    if (!query || (this.remembered && !this.remembered.has(subgraph))) return;
    const shape = shapeOf(this.model, query);
    if (!shape?.selectsPersonal) return;
    const operation = shape.document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operation?.kind !== Kind.OPERATION_DEFINITION) return;
    const walker = new AnswerWalker(this.model, shape.fragments, (type, fields) => this.note(subgraph, type, fields));
    const representations = variables?.representations;
    const entities = data._entities;
    if (Array.isArray(representations) && Array.isArray(entities)) {
      // An entity fetch: each answer's type is its representation's.
      const field = operation.selectionSet.selections[0];
      if (field?.kind !== Kind.FIELD || !field.selectionSet) return;
      entities.forEach((entity, i) => {
        const representation = representations[i] as Record<string, unknown> | null;
        const type = this.model.schema.getType(String(representation?.__typename));
        // The answer need not repeat the key: it is the representation's.
        if (isObjectType(type) && entity && typeof entity === 'object')
          walker.object(field.selectionSet!, type, entity as Record<string, unknown>, representation!);
      });
      return;
    }
    const root = this.model.schema.getQueryType();
    if (root) walker.object(operation.selectionSet, root, data);
  }

  /** The answer to an entity fetch for personal fields all read already in this request, or undefined (send it). */
  answer(subgraph: string, query: string | undefined, variables: Record<string, unknown> | undefined): { data: { _entities: unknown[] } } | undefined {
    const representations = variables?.representations;
    if (!query || !Array.isArray(representations) || !representations.length || !this.read.size) return undefined;
    const fields = shapeOf(this.model, query)?.entityFields;
    if (!fields) return undefined;
    const entities: unknown[] = [];
    for (const representation of representations) {
      if (!representation || typeof representation !== 'object') return undefined;
      const { __typename: type, ...key } = representation as Record<string, unknown>;
      const asked = typeof type === 'string' ? fields.get(type) : undefined;
      const keyFields = Object.keys(key).sort();
      const declared = this.model.keys.get(subgraph)?.get(type as string);
      if (!asked || !declared?.some((k) => k.length === keyFields.length && k.every((f, i) => f === keyFields[i]))) return undefined;
      const values = keyFields.map((f) => key[f]);
      if (!values.every(isScalar)) return undefined;
      const known = this.read.get(identity(subgraph, type as string, keyFields, values));
      if (!known) return undefined;
      const entity: Record<string, unknown> = {};
      for (const [responseKey, field] of asked) {
        if (field === '__typename') entity[responseKey] = type;
        else if (known.has(field)) entity[responseKey] = known.get(field);
        else return undefined;
      }
      entities.push(entity);
    }
    this.answered++;
    return { data: { _entities: entities } };
  }

  private note(subgraph: string, type: GraphQLObjectType, fields: Map<string, unknown>): void {
    const personal = [...fields].filter(([name]) => this.model.personal.has(`${type.name}.${name}`));
    if (!personal.length) return;
    for (const key of this.model.keys.get(subgraph)?.get(type.name) ?? []) {
      const values = key.map((f) => fields.get(f));
      if (!values.every(isScalar)) continue;
      const id = identity(subgraph, type.name, key, values);
      const known = this.read.get(id) ?? new Map<string, unknown>();
      for (const [name, value] of personal) known.set(name, value);
      this.read.set(id, known);
    }
  }
}

function identity(subgraph: string, type: string, fields: readonly string[], values: readonly Scalar[]): string {
  return `${subgraph}\u0000${type}\u0000${JSON.stringify(fields)}\u0000${JSON.stringify(values)}`;
}

/**
 * Walks an answer along the fetch's selections with the schema's types, handing each object's
 * argument-free leaf fields to `found` (a field with arguments, or under a directive, is not
 * an entity's plain property and is not read).
 */
class AnswerWalker {
  constructor(
    private readonly model: EntityModel,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly found: (type: GraphQLObjectType, fields: Map<string, unknown>) => void,
  ) {}

  value(set: SelectionSetNode, type: GraphQLCompositeType, value: unknown): void {
    if (Array.isArray(value)) for (const item of value) this.value(set, type, item);
    else if (value && typeof value === 'object') this.object(set, type, value as Record<string, unknown>);
  }

  /** `key`: fields known of the object besides its answer (an entity fetch's representation). */
  object(set: SelectionSetNode, type: GraphQLCompositeType, value: Record<string, unknown>, key?: Record<string, unknown>): void {
    const concrete = isObjectType(type) ? type : this.model.schema.getType(String(value.__typename));
    if (!isObjectType(concrete)) return;
    const leaves = new Map<string, unknown>(key ? Object.entries(key).filter(([name]) => name !== '__typename') : []);
    this.collect(set, concrete, value, leaves);
    if (leaves.size) this.found(concrete, leaves);
  }

  private collect(set: SelectionSetNode, type: GraphQLObjectType, value: Record<string, unknown>, leaves: Map<string, unknown>): void {
    for (const selection of set.selections) {
      if (selection.directives?.length) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const definition = type.getFields()[name];
        const answer = value[selection.alias?.value ?? name];
        if (!definition || answer === undefined) continue;
        const named = getNamedType(definition.type);
        if (selection.selectionSet) {
          if (isCompositeType(named)) this.value(selection.selectionSet, named, answer);
        } else if (!selection.arguments?.length) {
          leaves.set(name, answer);
        }
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition ? this.model.schema.getType(fragment.typeCondition.name.value) : type;
      const applies = condition === type || (isCompositeType(condition) && !isObjectType(condition) && this.model.schema.isSubType(condition, type));
      if (applies) this.collect(fragment.selectionSet, type, value, leaves);
    }
  }
}
