import {
  BREAK,
  isAbstractType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { forbidden, unauthenticated, type Viewer } from '../auth.js';
import { AUDIT_SCOPE, RECORDS_SCOPE, type AccessRules } from './rules.js';

/**
 * The first thing in the document (any operation, any fragment, under any alias) that the
 * viewer may not select, as an error; null when all of it is allowed. Checking the whole
 * document before anything runs means a denied request reads and writes nothing. `__typename`
 * on a protected type is protected like its fields: it would tell how many such records a list
 * holds, or whether a record exists. `selected`, when given, learns whether the document selects
 * any personal field (the gateway never shares such a request's fetches, so that each read is
 * audited).
 *
 * One exception is judged by the request's values rather than the schema: `__typename` on the
 * federation `_Entity` union, which a gateway asks for beside every entity fetch (Hive Gateway
 * does). The union holds every entity type, records included, but the entities returned are
 * exactly the representations sent, so their `__typename`s are what is checked; if they cannot
 * be read (a representation without a string `__typename`), every member type is, as before.
 */
export function checkAccess(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: AccessRules,
  viewer: Viewer,
  selected?: { personal: boolean },
  variables?: Readonly<Record<string, unknown>>,
): GraphQLError | null {
  const allowed = allowedDocuments(schema, rules, document);
  const scopes = scopesKey(viewer);
  const personal = allowed.get(scopes);
  if (personal !== undefined) {
    if (selected && personal) selected.personal = true;
    return null;
  }
  const seen = { personal: false, byValues: false };
  const denial = firstDenial(schema, document, rules, viewer, seen, variables);
  // What a document may select depends on the viewer's scopes alone (but for `_Entity`'s
  // `__typename`, judged by the representations sent: such a document is checked every time):
  // an allowed document is allowed again for the same scopes (a denial, rare, is worked out
  // anew with its message).
  if (!denial && !seen.byValues) allowed.set(scopes, seen.personal);
  if (selected && seen.personal) selected.personal = true;
  return denial;
}

/**
 * Per schema, rules and parsed document (Apollo keeps one parse per document text and schema),
 * the scopes it was allowed for, and whether it selects a personal field. Weak keys: a schema
 * or rules replaced (a new supergraph) take theirs with them. Every dashboard request sends one
 * of a dozen documents: the visit over the document was a twentieth of a kept scorecard fetch.
 */
const allowedByDocument = new WeakMap<GraphQLSchema, WeakMap<AccessRules, WeakMap<DocumentNode, Map<string, boolean>>>>();

function allowedDocuments(schema: GraphQLSchema, rules: AccessRules, document: DocumentNode): Map<string, boolean> {
  let bySchema = allowedByDocument.get(schema);
  if (!bySchema) allowedByDocument.set(schema, (bySchema = new WeakMap()));
  let byRules = bySchema.get(rules);
  if (!byRules) bySchema.set(rules, (byRules = new WeakMap()));
  let allowed = byRules.get(document);
  if (!allowed) byRules.set(document, (allowed = new Map<string, boolean>()));
  return allowed;
}

const scopesKeys = new WeakMap<Viewer, string>();

/** The viewer's scopes as a key (viewers of a remembered token are reused, so is their key). */
function scopesKey(viewer: Viewer): string {
  let key = scopesKeys.get(viewer);
  if (key === undefined) scopesKeys.set(viewer, (key = `${viewer.isPublic ? 'public' : 'token'}:${[...viewer.scopes].sort().join(',')}`));
  return key;
}

function firstDenial(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: AccessRules,
  viewer: Viewer,
  selected: { personal: boolean; byValues: boolean },
  variables: Readonly<Record<string, unknown>> | undefined,
): GraphQLError | null {
  const typeInfo = new TypeInfo(schema);
  // The types named by the representations of the `_entities` field being visited (null: unknown).
  let entityTypes: string[] | null = null;
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
      Field: {
        enter(node) {
          const name = node.name.value;
          const parent = typeInfo.getParentType();
          if (!parent || name === '__schema' || name === '__type') return undefined;
          const coordinate = `${parent.name}.${name}`;
          if (name === '_entities' && parent === schema.getQueryType()) entityTypes = representedTypes(node, variables);
          if (name === '__typename') {
            if (parent.name === '_Entity') selected.byValues = true;
            // On a union or interface, any member the viewer may not see makes it protected; on
            // `_Entity`, the members the representations name (see above).
            const members = parent.name === '_Entity' && entityTypes && isAbstractType(parent) ? schema.getPossibleTypes(parent) : [];
            const named = members.length ? members.filter((t) => entityTypes!.includes(t.name)) : [];
            // A representation naming a type outside the union is an error of its own; judge the union then.
            const types =
              named.length === entityTypes?.length ? named : isAbstractType(parent) ? schema.getPossibleTypes(parent) : isObjectType(parent) ? [parent] : [];
            for (const type of types) {
              const scope = typeDenial(type.name);
              if (scope) {
                deny(`${type.name}.__typename`, scope, scope === RECORDS_SCOPE ? 'part of a household-level record' : 'restricted');
                return BREAK;
              }
            }
            return undefined;
          }
          if (rules.personal.has(coordinate)) selected.personal = true;
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
              rules.personal.has(coordinate)
                ? 'personal data'
                : fieldScope === AUDIT_SCOPE
                  ? 'the audit trail'
                  : fieldScope === RECORDS_SCOPE
                    ? 'a list of household-level records'
                    : 'restricted',
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
        leave(node) {
          // A fragment spread elsewhere (a named fragment is visited on its own) is not under
          // these representations: outside an `_entities` field the union is judged whole.
          if (node.name.value === '_entities') entityTypes = null;
          return undefined;
        },
      },
    }),
  );
  return denial;
}

/**
 * The `__typename`s of an `_entities` field's representations, from the literal list or the
 * variable it names; null when any of them cannot be read, so that the caller falls back to
 * every member of `_Entity`.
 */
function representedTypes(field: FieldNode, variables: Readonly<Record<string, unknown>> | undefined): string[] | null {
  const argument = field.arguments?.find((a) => a.name.value === 'representations')?.value;
  if (!argument) return null;
  if (argument.kind === Kind.VARIABLE) {
    const value = variables?.[argument.name.value];
    if (!Array.isArray(value)) return null;
    const names = value.map((r: unknown) => (r !== null && typeof r === 'object' ? (r as { __typename?: unknown }).__typename : undefined));
    return names.every((n): n is string => typeof n === 'string') ? [...new Set(names)] : null;
  }
  if (argument.kind !== Kind.LIST) return null;
  const names = argument.values.map((item) => {
    if (item.kind !== Kind.OBJECT) return undefined;
    const typename = item.fields.find((f) => f.name.value === '__typename')?.value;
    return typename?.kind === Kind.STRING ? typename.value : undefined;
  });
  return names.every((n): n is string => typeof n === 'string') ? [...new Set(names)] : null;
}
