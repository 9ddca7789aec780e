import { required } from '../../../platform/batch.js';
import { parseId } from '../../../platform/ids.js';
import type { HouseholdMemberResolvers, HouseholdResolvers } from './types.generated.js';

export const Household: HouseholdResolvers = {
  // Asked for by another subgraph or the gateway (`_entities`): a household outside the
  // viewer's communes is left out (null), like an unknown one.
  __resolveReference: async (ref, ctx) => {
    const id = parseId(ref.id);
    const household = id ? await ctx.loaders.householdById.load(id) : null;
    return household && ctx.auth.canSeeCommune(household.commune_code) ? household : null;
  },
  id: (h) => String(h.id),
  commune: async (h, _, ctx) => required(await ctx.loaders.communeByCode.load(h.commune_code), `commune ${h.commune_code}`),
  members: (h, _, ctx) => ctx.loaders.membersByHousehold.load(h.id),
  reviews: (h, _, ctx) => ctx.loaders.reviewsByHousehold.load(h.id),
  latestReview: async (h, { year }, ctx) => {
    const reviews = await ctx.loaders.reviewsByHousehold.load(h.id);
    const inYear = year == null ? reviews : reviews.filter((r) => r.year === year);
    return inYear.at(-1) ?? null;
  },
  createdAt: (h) => h.created_at,
  updatedAt: (h) => h.updated_at,
};

export const HouseholdMember: HouseholdMemberResolvers = {
  __resolveReference: async (ref, ctx) => {
    const id = parseId(ref.id);
    const member = id ? await ctx.loaders.memberById.load(id) : null;
    if (!member) return null;
    const household = await ctx.loaders.householdById.load(member.household_id);
    return household && ctx.auth.canSeeCommune(household.commune_code) ? member : null;
  },
  id: (m) => String(m.id),
  household: async (m, _, ctx) => required(await ctx.loaders.householdById.load(m.household_id), `household ${m.household_id}`),
  birthYear: (m) => m.birth_year,
  fullName: (m) => m.full_name,
  nationalId: (m) => m.national_id,
};
