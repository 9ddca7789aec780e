import type { Generated, Insertable, Selectable } from 'kysely';

export type PlacementChannel = 'job_fair' | 'employment_service_centre' | 'budget_funded_support' | 'loan_created_job';
export type ContractKind = 'domestic' | 'overseas';
export type TrainingLevel = 'under_3_months' | 'elementary' | 'intermediate' | 'college';
export type LabourStatisticsBasis = 'reported' | 'estimate';
/** The registry's classification, in its SQL spelling, as in force when a record was made. */
export type HouseholdClassification = 'poor' | 'near_poor' | 'middle_income' | 'above_middle_income';

export interface JobFairTable {
  id: Generated<number>;
  commune_code: string;
  held_on: string;
  name: string | null;
  employers: number;
  participants: number;
  hires: number;
  hires_abroad: number;
  created_at: Generated<Date>;
}

export interface JobPlacementTable {
  id: Generated<number>;
  member_id: number;
  household_id: number;
  commune_code: string;
  household_classification: HouseholdClassification | null;
  employer: string;
  sector: string;
  channel: PlacementChannel;
  contract: ContractKind;
  destination_country: string | null;
  placed_on: string;
  monthly_wage: number;
  job_fair_id: number | null;
  created_at: Generated<Date>;
}

export interface TrainingEnrolmentTable {
  id: Generated<number>;
  member_id: number;
  household_id: number;
  commune_code: string;
  household_classification: HouseholdClassification | null;
  course: string;
  level: TrainingLevel;
  started_on: string;
  completed_on: string | null;
  certificate: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LabourStatisticsTable {
  id: Generated<number>;
  year: number;
  /** numeric: read back as an exact decimal string. */
  urban_unemployment_rate_percent: string;
  trained_worker_share_percent: string;
  basis: LabourStatisticsBasis;
  source: string;
  recorded_at: Generated<Date>;
}

export interface EmploymentDatabase {
  job_fair: JobFairTable;
  job_placement: JobPlacementTable;
  training_enrolment: TrainingEnrolmentTable;
  labour_statistics: LabourStatisticsTable;
  employment_placement_rollup: PlacementRollupTable;
  employment_training_rollup: TrainingRollupTable;
}

export type JobFair = Selectable<JobFairTable>;
export type NewJobFair = Insertable<JobFairTable>;
export type JobPlacement = Selectable<JobPlacementTable>;
export type NewJobPlacement = Insertable<JobPlacementTable>;
export type TrainingEnrolment = Selectable<TrainingEnrolmentTable>;
export type NewTrainingEnrolment = Insertable<TrainingEnrolmentTable>;
export type LabourStatistics = Selectable<LabourStatisticsTable>;
export type NewLabourStatistics = Insertable<LabourStatisticsTable>;

/**
 * One calendar year of placements in an area (commune, or '' for the city) and channel (or ''
 * for every channel); see the migration 2026_11_29_0900_create_employment_rollups.
 */
export interface PlacementRollupTable {
  year: number;
  commune_code: string;
  channel: PlacementChannel | '';
  placements: number;
  overseas: number;
  poor_or_near_poor: number;
  /** Distinct workers placed in the area that year: on the every-channel rows only (0 elsewhere). */
  workers: number;
}

/** One calendar year of vocational training in an area (commune, or '' for the city) and level. */
export interface TrainingRollupTable {
  year: number;
  commune_code: string;
  level: TrainingLevel;
  /** Enrolments that started in the year. */
  enrolments: number;
  poor_or_near_poor: number;
  /** Enrolments completed in the year, whenever they started. */
  completions: number;
}
