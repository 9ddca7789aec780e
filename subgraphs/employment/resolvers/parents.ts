// The parent each GraphQL type's resolvers receive, read by scripts/codegen.ts (see there).
import type { JobFair, JobPlacement, LabourStatistics, TrainingEnrolment } from '../db/tables.js';

export type JobPlacementParent = JobPlacement;
export type JobFairParent = JobFair;
export type TrainingEnrolmentParent = TrainingEnrolment;
export type LabourStatisticsParent = LabourStatistics;

/** A household's employment records, by the registry id (undefined: an id that parses as none). */
export interface HouseholdEmploymentParent {
  householdId: number | undefined;
}
