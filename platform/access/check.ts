import {
  BREAK,
  isAbstractType,
  isObjectType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
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
 */
export function checkAccess(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: AccessRules,
  viewer: Viewer,
  selected?: { personal: boolean },
): GraphQLError | null {
  const allowed = allowedDocuments(schema, rules, document);
  const scopes = scopesKey(viewer);
  const personal = allowed.get(scopes);
  if (personal !== undefined) {
    if (selected && personal) selected.personal = true;
    return null;
  }
  const seen = { personal: false };
  const denial = firstDenial(schema, document, rules, viewer, seen);
  // What a document may select depends on the viewer's scopes alone: an allowed document is
  // allowed again for the same scopes (a denial, rare, is worked out anew with its message).
  if (!denial) allowed.set(scopes, seen.personal);
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

function firstDenial(schema: GraphQLSchema, document: DocumentNode, rules: AccessRules, viewer: Viewer, selected: { personal: boolean }): GraphQLError | null {
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
