import { Kind, type DirectiveNode, type DocumentNode } from 'graphql';

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
        const name = stringArgument(
          value.directives?.find((d) => d.name.value === 'join__graph'),
          'name',
        );
        if (name) graphNames.set(value.name.value, name);
      }
    }
  }
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeName = def.name.value;
    const typeScope = stringArgument(
      def.directives?.find((d) => d.name.value === 'access'),
      'scope',
    );
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
        const graph = enumArgument(
          field.directives?.find((d) => d.name.value === 'join__field'),
          'graph',
        );
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
