import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  responsePathAsArray,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { RequestAuth } from './request.js';
import type { AccessRules } from './rules.js';
import { checkPublicPeriod, publicAmount, publicCount, publicShare } from './disclosure.js';

/**
 * The subgraph side of access control, where the values are made: `@count`, `@amount` and
 * `@personal` enforced on the subgraph's own schema (resolvers wrapped in place). The plugin
 * that refuses a document the viewer may not run, before any resolver, is plugin.ts.
 */

interface WithAuth {
  auth?: RequestAuth;
}

/**
 * Where each figures object belongs (its area): the cell key of every count in it. An object
 * that names itself (an entity by its @key, or a record by its id or code) is its own anchor;
 * any other object returned under one (a commune's PovertyFigures, a programme's line in its
 * CreditFigures) is tagged with its parent's anchor when its field resolves.
 */
const anchors = new WeakMap<object, string>();

function identityFields(type: GraphQLObjectType, rules: AccessRules): string[] | undefined {
  const key = rules.keys.get(type.name);
  if (key) return key;
  const fields = type.getFields();
  if (fields.id) return ['id'];
  if (fields.code) return ['code'];
  return undefined;
}

function anchorOf(source: unknown, type: GraphQLObjectType, ownIdentity: string[] | undefined): string {
  if (source === null || typeof source !== 'object') return 'graph';
  const tagged = anchors.get(source);
  if (tagged) return tagged;
  if (ownIdentity) {
    const row = source as Record<string, unknown>;
    const values = ownIdentity.map((f) => row[f]);
    if (values.every((v) => v !== null && v !== undefined)) return `${type.name}:${values.map(String).join(',')}`;
  }
  return type.name === 'Query' ? 'graph' : `${type.name}:?`;
}

function tag(value: unknown, anchor: string): void {
  if (Array.isArray(value)) for (const item of value) tag(item, anchor);
  else if (value !== null && typeof value === 'object' && !anchors.has(value)) anchors.set(value, anchor);
}

/** The object types from which a count or an amount can be reached. */
function typesWithFigures(schema: GraphQLSchema, rules: AccessRules): Set<string> {
  const found = new Set<string>();
  for (const coordinate of [...rules.counts, ...rules.amounts]) found.add(coordinate.split('.')[0]!);
  let grew = true;
  while (grew) {
    grew = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || found.has(type.name) || type.name.startsWith('__')) continue;
      if (Object.values(type.getFields()).some((f) => found.has(getNamedType(f.type).name))) {
        found.add(type.name);
        grew = true;
      }
    }
  }
  return found;
}

const PERIOD_ARGUMENTS = new Set(['from', 'to', 'asOf', 'fromYear', 'toYear']);

/**
 * Wraps the subgraph's resolvers so that, for a viewer without exact counts:
 * - a `@count` is null from 1 to the threshold (noted for `extensions.withheld`) and perturbed
 *   by its cell key above it;
 * - an `@amount` is rounded, and null when a count of the same object is withheld;
 * - a figures field refuses a period off the public grid (whole years, quarter ends);
 * and every `@personal` value read is noted with its household for the audit trail.
 */
export function enforceFieldRules(schema: GraphQLSchema, rules: AccessRules): void {
  const figures = typesWithFigures(schema, rules);
  // The count resolvers as written, before wrapping: an amount asks them whether a count of its
  // object is withheld.
  const countResolvers = new Map<string, Array<{ name: string; resolve: GraphQLFieldResolver<unknown, unknown> }>>();
  for (const coordinate of rules.counts) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const field = (schema.getType(typeName) as GraphQLObjectType | undefined)?.getFields()[fieldName];
    if (!field) continue;
    // A count with arguments (a distinct count over a chosen group) is a cell of its own, not one
    // of the counts beside the object's amounts.
    if (field.args.length) continue;
    const list = countResolvers.get(typeName) ?? [];
    list.push({ name: fieldName, resolve: field.resolve ?? defaultFieldResolver });
    countResolvers.set(typeName, list);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const ownIdentity = identityFields(type, rules);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const resolve = field.resolve ?? defaultFieldResolver;
      const child = getNamedType(field.type);
      const returnsFigures = figures.has(child.name) && isObjectType(child);
      const checksPeriod =
        (returnsFigures || rules.counts.has(coordinate) || rules.amounts.has(coordinate)) && field.args.some((a) => PERIOD_ARGUMENTS.has(a.name));

      let wrapped: GraphQLFieldResolver<unknown, WithAuth> = resolve;
      if (rules.counts.has(coordinate)) {
        const inner = wrapped;
        wrapped = (source, args, context, info) =>
          then(inner(source, args, context, info), (value) => shownCount(context.auth, info, coordinate, value, anchorOf(source, type, ownIdentity)));
      } else if (rules.amounts.has(coordinate)) {
        const inner = wrapped;
        const siblings = countResolvers.get(type.name) ?? [];
        wrapped = async (source, args, context, info) => {
          const value = await inner(source, args, context, info);
          const auth = context.auth;
          if (value === null || value === undefined || auth?.exact) return value;
          // Each count as its own resolver gives it (the default resolver reads the field's name).
          const counts = await Promise.all(siblings.map((c) => c.resolve(source, {}, context, { ...info, fieldName: c.name })));
          if (!auth || counts.some((n) => auth.withholds(n))) {
            auth?.noteWithheld(responsePathAsArray(info.path), coordinate);
            return null;
          }
          return publicAmount(value as number | string | bigint, auth.disclosure);
        };
      } else if (rules.personal.has(coordinate)) {
        const inner = wrapped;
        wrapped = (source, args, context, info) => {
          context.auth?.notePersonalRead(coordinate, householdIdOf(type.name, source));
          return inner(source, args, context, info);
        };
      }
      if (returnsFigures && !identityFields(child as GraphQLObjectType, rules)) {
        const inner = wrapped;
        wrapped = (source, args, context, info) => {
          const anchor = anchorOf(source, type, ownIdentity);
          return then(inner(source, args, context, info), (value) => {
            tag(value, anchor);
            return value;
          });
        };
      }
      if (checksPeriod) {
        const inner = wrapped;
        const yearsAreOneTotal = !isListType(getNullableType(field.type));
        wrapped = (source, args, context, info) => {
          const auth = context.auth;
          if (!auth?.exact)
            checkPublicPeriod(args as Record<string, unknown>, auth?.disclosure ?? { threshold: Infinity, noiseRatio: 0, moneyUnit: 1, publicSpans: [] }, {
              yearsAreOneTotal,
            });
          return inner(source, args, context, info);
        };
      }
      if (wrapped !== resolve) field.resolve = wrapped;
    }
  }
}

function then<T, R>(value: T | Promise<T>, f: (v: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/**
 * A count as the viewer may see it: exact with `counts:exact`; otherwise withheld (null, noted)
 * from 1 to the threshold and perturbed above it. Without an access state (never in a served
 * request) every non-zero count is withheld: the safe answer.
 */
function shownCount(auth: RequestAuth | undefined, info: GraphQLResolveInfo, coordinate: string, value: unknown, anchor: string): unknown {
  if (typeof value !== 'number') return value;
  if (auth?.exact) return value;
  const shown = auth ? publicCount(value, anchor, auth.disclosure) : value === 0 ? 0 : null;
  if (shown === null) auth?.noteWithheld(responsePathAsArray(info.path), coordinate);
  return shown;
}

/**
 * A percentage of two counts of the same figures object, as the viewer may see it: exact with
 * `counts:exact`, else computed from the two counts as published (perturbed), so that it gives
 * neither count back exactly; null (noted) when the part is withheld.
 */
export function derivedShare(
  auth: RequestAuth | undefined,
  info: GraphQLResolveInfo,
  source: object,
  part: number | null,
  whole: number | null,
  exact: number | null,
): number | null {
  if (auth?.exact) return exact;
  if (part === null || whole === null) return null;
  const anchor = anchors.get(source) ?? 'graph';
  const coordinate = `${info.parentType.name}.${info.fieldName}`;
  const shownPart = auth ? publicCount(part, anchor, auth.disclosure) : null;
  if (shownPart === null) {
    auth?.noteWithheld(responsePathAsArray(info.path), coordinate);
    return null;
  }
  return publicShare(shownPart, auth ? publicCount(whole, anchor, auth.disclosure) : null);
}

/**
 * A value that would give a withheld count away (one part of a total shown beside it) is
 * withheld with that count: null, noted like the count itself.
 */
export function unlessWithheld<T>(count: number | null | undefined, value: T, auth: RequestAuth | undefined, info: GraphQLResolveInfo): T | null {
  if (count == null || !(auth ? auth.withholds(count) : count >= 1)) return value;
  auth?.noteWithheld(responsePathAsArray(info.path), `${info.parentType.name}.${info.fieldName}`);
  return null;
}

/** The household a personal value belongs to, from the row the resolver got. */
function householdIdOf(typeName: string, source: unknown): string | undefined {
  const row = source as { id?: unknown; household_id?: unknown; householdId?: unknown } | null;
  if (!row) return undefined;
  const id = row.household_id ?? row.householdId ?? (typeName === 'Household' ? row.id : undefined);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- an id column: a number, a bigint or a string
  return id == null ? undefined : String(id);
}
