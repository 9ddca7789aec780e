import type { EmploymentContext } from '../context.js';
import { parseId } from '../../../platform/ids.js';
import { visible } from './scope.js';

/** The registry owns households; this subgraph adds their employment records. */
export const Household = {
  // The representation is only an id; what a commune-scoped caller may see is decided per
  // record below (each record carries the commune it counts in), so an `_entities` call from
  // outside the caller's communes answers with empty lists, never with nulls.
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  employment: (h: { id: string }) => ({ householdId: parseId(h.id) }),
};

export const HouseholdEmployment = {
  placements: async (e: { householdId: number | undefined }, _: unknown, ctx: EmploymentContext) =>
    e.householdId === undefined ? [] : visible(await ctx.loaders.placementsByHousehold.load(e.householdId), ctx),
  trainingEnrolments: async (e: { householdId: number | undefined }, _: unknown, ctx: EmploymentContext) =>
    e.householdId === undefined ? [] : visible(await ctx.loaders.enrolmentsByHousehold.load(e.householdId), ctx),
};
