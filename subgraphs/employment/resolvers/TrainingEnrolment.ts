import { poorOrNearPoor } from './classification.js';
import type { TrainingEnrolmentResolvers } from './types.generated.js';

export const TrainingEnrolment: TrainingEnrolmentResolvers = {
  id: (e) => String(e.id),
  person: (e) => ({ id: String(e.member_id) }),
  household: (e) => ({ id: String(e.household_id) }),
  commune: (e) => ({ code: e.commune_code }),
  startedOn: (e) => e.started_on,
  completedOn: (e) => e.completed_on,
  certified: (e) => e.certificate !== null,
  fromPoorOrNearPoorHousehold: (e) => poorOrNearPoor(e.household_classification),
};
