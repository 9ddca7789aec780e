import {
  BREAK,
  GraphQLError,
  isAbstractType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { forbidden, unauthenticated, type Viewer } from '../auth.js';
import type { DisclosurePolicy } from './disclosure.js';

/**
 * What the SDL says about access, read from the directives of the `privacy` spec that every
 * subgraph imports (and composes into the supergraph, so the composed schema shows them):
 *
 * - `@access(scope: "records:read")` on a type or field: selecting it needs that scope;
 * - `@personal` on a field: personal data, needs `personal:read`, and every read is audited;
 * - `@count` on a field: a count of households or people; for roles without `counts:exact`
 *   withheld from 1 to the small-count threshold and perturbed above it (disclosure.ts);
 * - `@amount` on a field: money summed over households; for roles without `counts:exact`
 *   rounded, and withheld with any small count of the same object.
 *
 * Mutations need `<subgraph>:write` of the subgraph that owns them.
 */
export interface AccessRules {
  typeScopes: Map<string, string>;
  fieldScopes: Map<string, string>;
  personal: Set<string>;
  counts: Set<string>;
  amounts: Set<string>;
  /** The fields of each entity type's `@key`: what names one object of the type. */
  keys: Map<string, string[]>;
  /** The subgraph that owns each mutation field. */
  mutationOwners: Map<string, string>;
}

export const PERSONAL_SCOPE = 'personal:read';
export const RECORDS_SCOPE = 'records:read';
export const EXACT_COUNTS_SCOPE = 'counts:exact';
export const AUDIT_SCOPE = 'audit:read';
/** One subgraph calling another directly (the registry client); allowed past SUBGRAPH_REQUIRE_GATEWAY. */
export const PEER_SCOPE = 'peer:call';

/**
 * Reads the rules from a subgraph's SDL (give its name: it owns every mutation there) or from
 * the supergraph (where `@join__field(graph: ...)` says which subgraph owns each mutation).
 */
export function accessRules(document: DocumentNode, subgraph?: string): AccessRules {
  const rules: AccessRules = {
    typeScopes: new Map(),
    fieldScopes: new Map(),
    personal: new Set(),
    counts: new Set(),
    amounts: new Set(),
    keys: new Map(),
    mutationOwners: new Map(),
  };
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
    const key = def.directives?.find((d) => d.name.value === 'key' || d.name.value === 'join__type');
    const keyFields = stringArgument(key, key?.name.value === 'key' ? 'fields' : 'key');
    if (keyFields && /^[\w ]+$/.test(keyFields) && !rules.keys.has(typeName)) rules.keys.set(typeName, keyFields.trim().split(/\s+/));
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
        } else if (name === 'amount') {
          rules.amounts.add(coordinate);
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
 * document before anything runs means a denied request reads and writes nothing. `__typename`
 * on a protected type is protected like its fields: it would tell how many such records a list
 * holds, or whether a record exists. `selected`, when given, learns whether the document selects
 * any personal field (the gateway never shares such a request's fetches, so that each read is
 * audited).
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
  const typeDenial = (typeName: string): string | undefined => {
    const scope = rules.typeScopes.get(typeName);
    return scope && !viewer.has(scope) ? scope : undefined;
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const name = node.name.value;
        const parent = typeInfo.getParentType();
        if (!parent || name === '__schema' || name === '__type') return undefined;
        const coordinate = `${parent.name}.${name}`;
        if (name === '__typename') {
          // On a union or interface, any member the viewer may not see makes it protected.
          const types = isAbstractType(parent) ? schema.getPossibleTypes(parent) : isObjectType(parent) ? [parent] : [];
          for (const type of types) {
            const scope = typeDenial(type.name);
            if (scope) {
              deny(`${type.name}.__typename`, scope, scope === RECORDS_SCOPE ? 'part of a household-level record' : 'restricted');
              return BREAK;
            }
          }
          return undefined;
        }
        if (selected && rules.personal.has(coordinate)) selected.personal = true;
        const typeScope = typeDenial(parent.name);
        if (typeScope) {
          deny(coordinate, typeScope, typeScope === RECORDS_SCOPE ? 'part of a household-level record' : 'restricted');
          return BREAK;
        }
        const fieldScope = rules.fieldScopes.get(coordinate);
        if (fieldScope && !viewer.has(fieldScope)) {
          deny(
            coordinate,
            fieldScope,
            rules.personal.has(coordinate) ? 'personal data' : fieldScope === AUDIT_SCOPE ? 'the audit trail' : fieldScope === RECORDS_SCOPE ? 'a list of household-level records' : 'restricted',
          );
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

export function withheldReason(threshold: number): string {
  return `withheld: a count from 1 to ${threshold} could identify a family (an amount or rate beside it would give it away); a token with the "${EXACT_COUNTS_SCOPE}" scope sees it`;
}

/**
 * The one error for a record that does not exist and for one outside the caller's communes:
 * the two must read the same, or a refusal would confirm that a household exists and where.
 */
function forbiddenWrite(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * One request's access state: the viewer, the disclosure policy for what it may not see
 * exactly, and what the request did that must be reported (withheld counts) or audited
 * (personal fields read).
 */
export class RequestAuth {
  readonly withheld: WithheldCount[] = [];
  /** Personal-field coordinate → the households whose values were read. */
  readonly personalReads = new Map<string, Set<string>>();
  operationName: string | null = null;
  /** The Idempotency-Key header the request carried (for its mutations; see writes.ts). */
  idempotencyKey: string | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly disclosure: DisclosurePolicy,
    /** This server's id for the request (the gateway's, when the request came through it). */
    readonly requestId?: string,
    /** The x-request-id the caller sent, kept beside ours, never instead of it. */
    readonly callerRequestId?: string,
  ) {}

  /** Whether this viewer sees counts and amounts exactly as recorded. */
  get exact(): boolean {
    return this.viewer.has(EXACT_COUNTS_SCOPE);
  }

  get smallCountThreshold(): number {
    return this.disclosure.threshold;
  }

  /** Whether a count must be withheld from this viewer (1 to the threshold, without exact counts). */
  withholds(value: unknown): boolean {
    return typeof value === 'number' && value >= 1 && value <= this.disclosure.threshold && !this.exact;
  }

  noteWithheld(path: Array<string | number>, coordinate: string): void {
    this.withheld.push({ path, coordinate, reason: withheldReason(this.disclosure.threshold) });
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

  /**
   * For a record (or commune) named in a write: when it lies outside the viewer's communes, the
   * write is refused with `missing()`, the very error the write gives for a record that does
   * not exist, so that a refusal says nothing about records elsewhere (no oracle). Call it as
   * soon as the record's commune is known, before any other check of the record (eligibility,
   * status, ...) could tell something about it. Reads of one record by id return null for such
   * a record instead (`canSeeCommune`), as they do for a missing one.
   */
  requireCommune(code: string, missing: () => GraphQLError): void {
    if (!this.viewer.canSeeCommune(code)) throw missing();
  }

  /**
   * For a write that belongs to no commune (a city-wide statistic, a city project, a
   * contribution to the city's fund): a commune-scoped role may not make it.
   */
  requireCityWide(what: string): void {
    if (this.viewer.communes) throw forbiddenWrite(`A role limited to some communes cannot record ${what} (city-wide records).`);
  }
}
