import type { EmploymentContext } from '../context.js';
import { parseId } from '../../common/ids.js';

/** The registry owns households; this subgraph adds their employment records. */
export const Household = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  employment: (h: { id: string }) => ({ householdId: parseId(h.id) }),
};

export const HouseholdEmployment = {
  placements: (e: { householdId: number | undefined }, _: unknown, ctx: EmploymentContext) =>
    e.householdId === undefined ? [] : ctx.loaders.placementsByHousehold.load(e.householdId),
  trainingEnrolments: (e: { householdId: number | undefined }, _: unknown, ctx: EmploymentContext) =>
    e.householdId === undefined ? [] : ctx.loaders.enrolmentsByHousehold.load(e.householdId),
};
