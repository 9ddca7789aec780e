import type { SocialInsuranceContext } from '../context.js';
import { parseId } from '../../../platform/ids.js';
import type { HouseholdSocialSupportParent } from './parents.js';
import type { HouseholdResolvers, HouseholdSocialSupportResolvers } from './types.generated.js';

function householdIdOf(id: string): number | null {
  return parseId(id) ?? null;
}

/**
 * A household's records of one kind that this viewer may see: a commune-scoped viewer (a
 * caseworker) sees the records written in its communes (each carries the household's commune
 * when it was written) and no others; they are left out, never shown as nulls. Filtered after
 * the loader, so that an `_entities` call for many households stays one statement per kind.
 */
async function visible<R extends { commune_code: string }>(
  s: HouseholdSocialSupportParent,
  ctx: SocialInsuranceContext,
  load: (householdId: number) => Promise<R[]>,
): Promise<R[]> {
  if (s.householdId == null) return [];
  const rows = await load(s.householdId);
  // commune_code is char(5): compare it trimmed, as records.ts shows it.
  return ctx.auth.communeScope ? rows.filter((r) => ctx.auth.canSeeCommune(r.commune_code.trim())) : rows;
}

export const Household: HouseholdResolvers = {
  // The registry owns the household; this subgraph only adds its records, loaded per field.
  // Scoping happens on the records, not here: this subgraph does not know which commune a
  // household without records lives in.
  __resolveReference: (ref) => ({ id: ref.id }),
  socialSupport: (h) => ({ householdId: householdIdOf(h.id) }),
};

export const HouseholdSocialSupport: HouseholdSocialSupportResolvers = {
  healthInsuranceCards: (s, _, ctx) => visible(s, ctx, (id) => ctx.loaders.healthInsuranceByHousehold.load(id)),
  voluntaryContributions: (s, _, ctx) => visible(s, ctx, (id) => ctx.loaders.voluntaryByHousehold.load(id)),
  tuitionSupports: (s, _, ctx) => visible(s, ctx, (id) => ctx.loaders.tuitionByHousehold.load(id)),
  electricitySubsidies: (s, _, ctx) => visible(s, ctx, (id) => ctx.loaders.electricityByHousehold.load(id)),
  socialAllowances: (s, _, ctx) => visible(s, ctx, (id) => ctx.loaders.allowancesByHousehold.load(id)),
  emergencyReliefs: (s, _, ctx) => visible(s, ctx, (id) => ctx.loaders.reliefByHousehold.load(id)),
};
