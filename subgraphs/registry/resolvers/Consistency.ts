import { GraphQLError } from 'graphql';
import {
  checkYear,
  communesToCheck,
  consistencyRule,
  consistencyRules,
  countByRule,
  perCommune,
  type CityConsistencyRef,
  type CommuneConsistencyRef,
  type ConsistencyRule as Rule,
  type DepartmentFinding,
  type RuleCount,
} from '../../../platform/consistency.js';
import { required } from '../../../platform/batch.js';
import { badInput } from '../../../platform/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../../../platform/pagination.js';
import { ageFindings, byRule, sortFindings } from '../consistency.js';
import type { RegistryContext } from '../context.js';
import * as repo from '../repository.js';
import type {
  CityConsistencyResolvers,
  CommuneConsistencyResolvers,
  ConsistencyFindingResolvers,
  ConsistencyRuleCountResolvers,
  QueryResolvers,
} from './types.generated.js';

// The public face of the consistency checks: the registry owns `CommuneConsistency` and
// `CityConsistency`, requires every department's findings (hidden fields the gateway fetches
// from each department) and merges them with its own rule's (platform/consistency.ts).

/** The hidden fields the registry requires, one per evaluating department. */
const FINDING_FIELDS = ['creditFindings', 'housingFindings', 'socialInsuranceFindings', 'employmentFindings', 'livelihoodsFindings'] as const;
const COUNT_FIELDS = ['creditRuleCounts', 'housingRuleCounts', 'socialInsuranceRuleCounts', 'employmentRuleCounts', 'livelihoodsRuleCounts'] as const;

export type CommuneRef = CommuneConsistencyRef & Partial<Record<(typeof FINDING_FIELDS)[number], DepartmentFinding[]>>;
export type CityRef = CityConsistencyRef & Partial<Record<(typeof COUNT_FIELDS)[number], RuleCount[]>>;

const CURSOR_PREFIX = 'consistency';

/**
 * Every finding of one commune and year, sorted: the departments' (as the gateway brought them)
 * and the registry's own. Computed once per entity and request (findings, totalCount and byRule
 * share it). A finding is kept only when the registry holds its household in the commune now
 * and the caller may see that commune: a department's finding about a household that moved
 * belongs to the new commune's list, and a representation sent directly to this subgraph can
 * name no household outside the caller's communes.
 */
const ageOfCommune = perCommune(ageFindings);
const merged = new WeakMap<object, Promise<DepartmentFinding[]>>();
function communeFindings(ref: CommuneRef, ctx: RegistryContext): Promise<DepartmentFinding[]> {
  let result = merged.get(ref);
  if (!result) {
    result = (async () => {
      if (!ctx.auth.canSeeCommune(ref.communeCode)) return [];
      const own = await ageOfCommune(ctx, ref.communeCode, ref.year);
      const theirs = FINDING_FIELDS.flatMap((f) => ref[f] ?? []);
      const households = await ctx.loaders.householdById.loadMany([...new Set(theirs.map((f) => Number(f.householdId)))]);
      const here = new Set(households.flatMap((h) => (h && !(h instanceof Error) && h.commune_code === ref.communeCode ? [String(h.id)] : [])));
      return sortFindings([...own, ...theirs.filter((f) => here.has(f.householdId))]);
    })();
    merged.set(ref, result);
  }
  return result;
}

function toRule(rule: Rule) {
  return {
    code: rule.code,
    description: rule.description.en,
    descriptionVi: rule.description.vi,
    departments: rule.departments,
    evaluatedBy: rule.evaluatedBy,
    parameters: JSON.stringify(rule.parameters),
  };
}

/** The communes asked for, narrowed to a commune-scoped caller's own (theirs when none are named). */
function scopedCommunes(ctx: RegistryContext, asked: string[] | null | undefined): string[] | null {
  const scope = ctx.auth.communeScope;
  return scope ? (asked ?? scope).filter((c) => ctx.auth.canSeeCommune(c)) : (asked ?? null);
}

export const consistencyQuery: QueryResolvers = {
  consistencyRules: () => consistencyRules().map(toRule),
  consistencyClassifications: async (_, { communeCodes, years }, ctx) => {
    if (years.length > 10) throw badInput('years', `at most 10 years at once, got ${years.length}`);
    years.forEach(checkYear);
    const rows = await repo.findClassificationsOfYears(ctx.db, scopedCommunes(ctx, communeCodes), years);
    return rows.map((r) => ({ householdId: String(r.household_id), year: r.year, classification: r.classification }));
  },
  consistencyReviewFacts: async (_, { communeCodes, year, deprivedOn }, ctx) => {
    checkYear(year);
    const communes = scopedCommunes(ctx, communeCodes);
    const reviews = (await repo.findLatestReviewsOfYear(ctx.db, communes, year)).filter((r) => !deprivedOn || r.deprivations.includes(deprivedOn));
    const members = reviews.length
      ? await repo.findMembersByHouseholdIds(
          ctx.db,
          reviews.map((r) => r.household_id),
        )
      : [];
    const membersOf = new Map<number, Array<{ id: string; birthYear: number }>>();
    for (const m of members) membersOf.set(m.household_id, [...(membersOf.get(m.household_id) ?? []), { id: String(m.id), birthYear: m.birth_year }]);
    return reviews.map((r) => ({
      householdId: String(r.household_id),
      communeCode: r.commune_code,
      reviewId: String(r.id),
      reviewDate: r.review_date,
      incomePerPersonMonthly: r.income_per_person_monthly,
      deprivedOn: r.deprivations,
      members: membersOf.get(r.household_id) ?? [],
    }));
  },
};

/** `Commune.consistency(year)`: null outside a commune-scoped caller's communes, as a missing record. */
export function communeConsistency(code: string, year: number, ctx: RegistryContext): CommuneConsistencyRef | null {
  checkYear(year);
  return ctx.auth.canSeeCommune(code) ? { communeCode: code, year } : null;
}

export const CommuneConsistency: CommuneConsistencyResolvers = {
  __resolveReference: (ref) => ref,
  commune: async (ref, _, ctx) => required(await ctx.loaders.communeByCode.load(ref.communeCode), `commune ${ref.communeCode}`),
  findings: async (ref, { first, after }, ctx) => {
    const limit = pageSize(first);
    const start = after == null ? 0 : decodeCursor(CURSOR_PREFIX, after)! + 1;
    const all = await communeFindings(ref, ctx);
    const edges = all.slice(start, start + limit).map((node, i) => ({ cursor: encodeCursor(CURSOR_PREFIX, start + i), node }));
    return {
      edges,
      pageInfo: { hasNextPage: start + limit < all.length, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: all.length,
    };
  },
  totalCount: async (ref, _, ctx) => (await communeFindings(ref, ctx)).length,
  byRule: async (ref, _, ctx) => byRule(countByRule(await communeFindings(ref, ctx))),
};

/** The city's counts: the departments' (as the gateway brought them) and the registry's own. */
const cityCounts = new WeakMap<object, Promise<Array<{ rule: string; count: number }>>>();
function cityByRule(ref: CityRef, ctx: RegistryContext) {
  let result = cityCounts.get(ref);
  if (!result) {
    result = (async () => {
      const own = countByRule(await ageFindings(ctx, communesToCheck(ctx.auth, null)));
      return byRule([...own, ...COUNT_FIELDS.flatMap((f) => ref[f] ?? [])]);
    })();
    cityCounts.set(ref, result);
  }
  return result;
}

export const CityConsistency: CityConsistencyResolvers = {
  __resolveReference: (ref) => {
    checkYear(ref.year);
    return ref;
  },
  byRule: (ref, _, ctx) => cityByRule(ref, ctx),
  totalCount: async (ref, _, ctx) => (await cityByRule(ref, ctx)).reduce((n, r) => n + r.count, 0),
};

export const ConsistencyRuleCount: ConsistencyRuleCountResolvers = {
  rule: (c) => toRule(consistencyRule(c.rule)),
};

export const ConsistencyFinding: ConsistencyFindingResolvers = {
  rule: (f) => toRule(consistencyRule(f.rule)),
  household: async (f, _, ctx) => {
    const household = await ctx.loaders.householdById.load(Number(f.householdId));
    // communeFindings kept only households the registry holds; a miss here is a bug, not a 404.
    if (!household) throw new GraphQLError(`household ${f.householdId} of a finding is not in the registry`);
    return household;
  },
};
