import type { RegistryContext } from '../context.js';
import type { Household as HouseholdRow, HouseholdMember as MemberRow } from '../db/tables.js';
import { parseId } from '../../../platform/ids.js';

export const Household = {
  // Asked for by another subgraph or the gateway (`_entities`): a household outside the
  // viewer's communes is left out (null), like an unknown one.
  __resolveReference: async (ref: { id: string }, ctx: RegistryContext) => {
    const id = parseId(ref.id);
    const household = id ? await ctx.loaders.householdById.load(id) : null;
    return household && ctx.auth.canSeeCommune(household.commune_code) ? household : null;
  },
  id: (h: HouseholdRow) => String(h.id),
  commune: (h: HouseholdRow, _: unknown, ctx: RegistryContext) => ctx.loaders.communeByCode.load(h.commune_code),
  members: (h: HouseholdRow, _: unknown, ctx: RegistryContext) => ctx.loaders.membersByHousehold.load(h.id),
  reviews: (h: HouseholdRow, _: unknown, ctx: RegistryContext) => ctx.loaders.reviewsByHousehold.load(h.id),
  latestReview: async (h: HouseholdRow, { year }: { year?: number | null }, ctx: RegistryContext) => {
    const reviews = await ctx.loaders.reviewsByHousehold.load(h.id);
    const inYear = year == null ? reviews : reviews.filter((r) => r.year === year);
    return inYear.at(-1) ?? null;
  },
  createdAt: (h: HouseholdRow) => h.created_at,
  updatedAt: (h: HouseholdRow) => h.updated_at,
};

export const HouseholdMember = {
  __resolveReference: async (ref: { id: string }, ctx: RegistryContext) => {
    const id = parseId(ref.id);
    const member = id ? await ctx.loaders.memberById.load(id) : null;
    if (!member) return null;
    const household = await ctx.loaders.householdById.load(member.household_id);
    return household && ctx.auth.canSeeCommune(household.commune_code) ? member : null;
  },
  id: (m: MemberRow) => String(m.id),
  household: (m: MemberRow, _: unknown, ctx: RegistryContext) => ctx.loaders.householdById.load(m.household_id),
  birthYear: (m: MemberRow) => m.birth_year,
  fullName: (m: MemberRow) => m.full_name,
  nationalId: (m: MemberRow) => m.national_id,
};
