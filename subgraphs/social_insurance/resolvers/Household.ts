import type { SocialInsuranceContext } from '../context.js';
import { parseId } from '../../common/ids.js';

/** What Household.socialSupport resolves to: the registry id, or null when it cannot be one. */
interface SupportOf {
  householdId: number | null;
}

function householdIdOf(id: string): number | null {
  return parseId(id) ?? null;
}

export const Household = {
  // The registry owns the household; this subgraph only adds its records, loaded per field.
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  socialSupport: (h: { id: string }): SupportOf => ({ householdId: householdIdOf(h.id) }),
};

export const HouseholdSocialSupport = {
  healthInsuranceCards: (s: SupportOf, _: unknown, ctx: SocialInsuranceContext) =>
    s.householdId == null ? [] : ctx.loaders.healthInsuranceByHousehold.load(s.householdId),
  voluntaryContributions: (s: SupportOf, _: unknown, ctx: SocialInsuranceContext) =>
    s.householdId == null ? [] : ctx.loaders.voluntaryByHousehold.load(s.householdId),
  tuitionSupports: (s: SupportOf, _: unknown, ctx: SocialInsuranceContext) =>
    s.householdId == null ? [] : ctx.loaders.tuitionByHousehold.load(s.householdId),
  electricitySubsidies: (s: SupportOf, _: unknown, ctx: SocialInsuranceContext) =>
    s.householdId == null ? [] : ctx.loaders.electricityByHousehold.load(s.householdId),
  socialAllowances: (s: SupportOf, _: unknown, ctx: SocialInsuranceContext) =>
    s.householdId == null ? [] : ctx.loaders.allowancesByHousehold.load(s.householdId),
  emergencyReliefs: (s: SupportOf, _: unknown, ctx: SocialInsuranceContext) =>
    s.householdId == null ? [] : ctx.loaders.reliefByHousehold.load(s.householdId),
};
