// What each GraphQL type's resolvers receive as parent: scripts/codegen.ts reads every
// `<Type>Parent` below into the generated resolver types (types.generated.ts). A type not listed
// receives the object its SDL describes, which the resolver returning it must build in full.
import type { JobFair, JobPlacement, LabourStatistics, TrainingEnrolment } from '../db/tables.js';

export type JobPlacementParent = JobPlacement;
export type JobFairParent = JobFair;
export type TrainingEnrolmentParent = TrainingEnrolment;
export type LabourStatisticsParent = LabourStatistics;

/** A household's employment records, by the registry id (undefined: an id that parses as none). */
export interface HouseholdEmploymentParent {
  householdId: number | undefined;
}

/** The registry's entities, as references: this subgraph knows them by key only. */
export interface HouseholdParent {
  id: string;
}
export interface CommuneParent {
  code: string;
}
export interface CityParent {
  code: string;
}
