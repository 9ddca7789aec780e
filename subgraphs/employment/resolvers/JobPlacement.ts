import type { EmploymentContext } from '../context.js';
import type { JobPlacement as PlacementRow } from '../db/tables.js';
import { poorOrNearPoor } from './classification.js';

export const JobPlacement = {
  id: (p: PlacementRow) => String(p.id),
  worker: (p: PlacementRow) => ({ id: String(p.member_id) }),
  household: (p: PlacementRow) => ({ id: String(p.household_id) }),
  commune: (p: PlacementRow) => ({ code: p.commune_code }),
  destinationCountry: (p: PlacementRow) => p.destination_country,
  placedOn: (p: PlacementRow) => p.placed_on,
  monthlyWage: (p: PlacementRow) => p.monthly_wage,
  jobFair: (p: PlacementRow, _: unknown, ctx: EmploymentContext) =>
    p.job_fair_id === null ? null : ctx.loaders.jobFairById.load(p.job_fair_id),
  fromPoorOrNearPoorHousehold: (p: PlacementRow) => poorOrNearPoor(p.household_classification),
};
