import { poorOrNearPoor } from './classification.js';
import type { JobPlacementResolvers } from './types.generated.js';

export const JobPlacement: JobPlacementResolvers = {
  id: (p) => String(p.id),
  worker: (p) => ({ id: String(p.member_id) }),
  household: (p) => ({ id: String(p.household_id) }),
  commune: (p) => ({ code: p.commune_code }),
  destinationCountry: (p) => p.destination_country,
  placedOn: (p) => p.placed_on,
  monthlyWage: (p) => p.monthly_wage,
  jobFair: (p, _, ctx) => (p.job_fair_id === null ? null : ctx.loaders.jobFairById.load(p.job_fair_id)),
  fromPoorOrNearPoorHousehold: (p) => poorOrNearPoor(p.household_classification),
};
