import { parseId } from '../../../platform/ids.js';
import { visible } from './scope.js';
import type { HouseholdEmploymentResolvers, HouseholdResolvers } from './types.generated.js';

/** The registry owns households; this subgraph adds their employment records. */
export const Household: HouseholdResolvers = {
  // The representation is only an id; what a commune-scoped caller may see is decided per
  // record below (each record carries the commune it counts in), so an `_entities` call from
  // outside the caller's communes answers with empty lists, never with nulls.
  __resolveReference: (ref) => ({ id: ref.id }),
  employment: (h) => ({ householdId: parseId(h.id) }),
};

export const HouseholdEmployment: HouseholdEmploymentResolvers = {
  placements: async (e, _, ctx) => (e.householdId === undefined ? [] : visible(await ctx.loaders.placementsByHousehold.load(e.householdId), ctx)),
  trainingEnrolments: async (e, _, ctx) => (e.householdId === undefined ? [] : visible(await ctx.loaders.enrolmentsByHousehold.load(e.householdId), ctx)),
};
