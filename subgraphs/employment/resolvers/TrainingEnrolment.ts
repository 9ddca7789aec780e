import type { TrainingEnrolment as EnrolmentRow } from '../db/tables.js';
import { poorOrNearPoor } from './classification.js';

export const TrainingEnrolment = {
  id: (e: EnrolmentRow) => String(e.id),
  person: (e: EnrolmentRow) => ({ id: String(e.member_id) }),
  household: (e: EnrolmentRow) => ({ id: String(e.household_id) }),
  commune: (e: EnrolmentRow) => ({ code: e.commune_code }),
  startedOn: (e: EnrolmentRow) => e.started_on,
  completedOn: (e: EnrolmentRow) => e.completed_on,
  certified: (e: EnrolmentRow) => e.certificate !== null,
  fromPoorOrNearPoorHousehold: (e: EnrolmentRow) => poorOrNearPoor(e.household_classification),
};
