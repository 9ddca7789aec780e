import { consistencyQuery } from './Consistency.js';
import { auditTrail } from '../../../platform/audit.js';
import { badInput } from '../../../platform/errors.js';
import { decodeCursor, pageSize, toConnection } from '../../../platform/pagination.js';
import type { RegistryContext } from '../context.js';
import type { Classification } from '../db/tables.js';
import * as repo from '../repository.js';
import { parseId } from '../../../platform/ids.js';
import type { QueryResolvers } from './types.generated.js';

export const HOUSEHOLD_CURSOR = 'household';

export interface HouseholdListArgs {
  filter?: { communeCode?: string | null; classification?: Classification | null; year?: number | null } | null;
  first?: number | null;
  after?: string | null;
}

/** Shared by Query.households and Commune.households. */
export async function householdPage(ctx: RegistryContext, args: HouseholdListArgs) {
  const limit = pageSize(args.first);
  const filter = args.filter ?? {};
  if (filter.classification && filter.year == null) {
    throw badInput('filter.year', 'filter.classification needs filter.year: a classification belongs to a review year');
  }
  // A commune-scoped viewer's list holds only its communes' households: the others are left
  // out (not shown as nulls), and the count and pages agree with what is shown.
  const query: repo.HouseholdListQuery = {
    communeCode: filter.communeCode ?? undefined,
    communeCodes: ctx.auth.communeScope ?? undefined,
    classification: filter.classification ?? undefined,
    year: filter.year ?? undefined,
  };
  const [rows, total] = await Promise.all([
    repo.listHouseholds(ctx.db, { ...query, afterId: decodeCursor(HOUSEHOLD_CURSOR, args.after) }, limit + 1),
    repo.countHouseholds(ctx.db, query),
  ]);
  for (const row of rows) ctx.loaders.householdById.prime(row.id, row);
  return toConnection(HOUSEHOLD_CURSOR, rows, limit, total);
}

export const Query: QueryResolvers = {
  ...consistencyQuery,
  commune: (_, { code }, ctx) => ctx.loaders.communeByCode.load(code),

  communes: async (_, { filter }, ctx) => {
    const communes = await repo.findCommunes(ctx.db, {
      kind: filter?.kind ?? undefined,
      nameContains: filter?.nameContains ?? undefined,
      codes: filter?.codes ?? undefined,
    });
    for (const c of communes) ctx.loaders.communeByCode.prime(c.code, c);
    return communes;
  },

  city: () => ({ code: '01' }),

  household: async (_, { id }, ctx) => {
    const n = parseId(id);
    const household = n ? await ctx.loaders.householdById.load(n) : null;
    // Outside a caseworker's communes, a household reads exactly as a missing one (null): a
    // refusal would confirm that it exists, and in which commune.
    return household && ctx.auth.canSeeCommune(household.commune_code) ? household : null;
  },

  households: (_, args, ctx) => householdPage(ctx, args),

  registryAuditTrail: (_, args, ctx) => auditTrail(ctx.db, args),

  povertyStandards: (_, __, ctx) => repo.findStandards(ctx.db),

  povertyStandard: (_, { code }, ctx) => ctx.loaders.standardByCode.load(code),

  povertyWhatIf: async (_, { year, standard }, ctx) => {
    const found = await ctx.loaders.standardByCode.load(standard);
    if (!found) throw badInput('standard', `unknown poverty standard "${standard}"`);
    const [rows, communes] = await Promise.all([repo.whatIfCounts(ctx.db, year, standard), repo.findCommunes(ctx.db)]);
    const byCode = new Map(rows.map((r) => [r.commune_code, r]));
    const counts = (r: repo.WhatIfRow | undefined) => ({
      reviewedHouseholds: r?.reviewed ?? 0,
      currentPoor: r?.current_poor ?? 0,
      currentNearPoor: r?.current_near_poor ?? 0,
      poor: r?.poor ?? 0,
      nearPoor: r?.near_poor ?? 0,
    });
    const perCommune = communes.map((commune) => ({ commune, counts: counts(byCode.get(commune.code)) }));
    const city = perCommune.reduce(
      (sum, { counts: c }) => ({
        reviewedHouseholds: sum.reviewedHouseholds + c.reviewedHouseholds,
        currentPoor: sum.currentPoor + c.currentPoor,
        currentNearPoor: sum.currentNearPoor + c.currentNearPoor,
        poor: sum.poor + c.poor,
        nearPoor: sum.nearPoor + c.nearPoor,
      }),
      counts(undefined),
    );
    return { year, standard: found, city, communes: perCommune };
  },
};
