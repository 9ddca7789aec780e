import type { Generated, Insertable, Selectable } from 'kysely';

export type SupportGroup = 'poor' | 'near_poor' | 'middle_income_agriculture';
export type TuitionSupportKind = 'tuition_exemption' | 'tuition_reduction' | 'study_cost';
export type AllowanceCategory = 'elderly' | 'disability' | 'orphan' | 'single_parent_poor' | 'other';
export type EmergencyEventKind = 'natural_disaster' | 'fire' | 'other_incident';

// member_id and household_id are registry ids (int8, parsed to JS numbers); commune_code is the
// registry's commune of the household when the record was written.

export interface HealthInsuranceSupportTable {
  id: Generated<number>;
  member_id: number;
  household_id: number;
  commune_code: string;
  year: number;
  valid_from: string;
  valid_to: string;
  support_group: SupportGroup;
  /** numeric(5,2): read back as a decimal string. */
  budget_share_percent: string | number;
  budget_amount: number;
  granted_on: string;
  created_at: Generated<Date>;
}

export interface VoluntaryInsuranceSupportTable {
  id: Generated<number>;
  member_id: number;
  household_id: number;
  commune_code: string;
  paid_on: string;
  months: number;
  amount: number;
  created_at: Generated<Date>;
}

export interface TuitionSupportTable {
  id: Generated<number>;
  member_id: number;
  household_id: number;
  commune_code: string;
  school_year: string;
  kind: TuitionSupportKind;
  amount: number;
  granted_on: string;
  created_at: Generated<Date>;
}

export interface ElectricitySubsidyTable {
  id: Generated<number>;
  household_id: number;
  commune_code: string;
  period_from: string;
  period_to: string;
  months: number;
  amount: number;
  paid_on: string;
  created_at: Generated<Date>;
}

export interface SocialAllowanceTable {
  id: Generated<number>;
  member_id: number;
  household_id: number;
  commune_code: string;
  category: AllowanceCategory;
  monthly_amount: number;
  start_date: string;
  end_date: string | null;
  created_at: Generated<Date>;
}

export interface EmergencyReliefTable {
  id: Generated<number>;
  household_id: number;
  commune_code: string;
  event_kind: EmergencyEventKind;
  event_date: string;
  relief_date: string;
  cash_amount: number;
  in_kind_description: string | null;
  in_kind_value: Generated<number>;
  created_at: Generated<Date>;
}

/** A figure the city reports, kept with its source (numeric kept exact as a string). */
export interface ReportedStatisticTable {
  id: Generated<number>;
  code: string;
  name: string;
  period: string;
  value: string;
  unit: string;
  source: string;
  recorded_at: Generated<Date>;
}

export interface SocialInsuranceDatabase {
  reported_statistic: ReportedStatisticTable;
  health_insurance_support: HealthInsuranceSupportTable;
  voluntary_insurance_support: VoluntaryInsuranceSupportTable;
  tuition_support: TuitionSupportTable;
  electricity_subsidy: ElectricitySubsidyTable;
  social_allowance: SocialAllowanceTable;
  emergency_relief: EmergencyReliefTable;
  health_insurance_rollup: HealthInsuranceRollupTable;
  health_insurance_gap: HealthInsuranceGapTable;
}

export type HealthInsuranceSupport = Selectable<HealthInsuranceSupportTable>;
export type NewHealthInsuranceSupport = Insertable<HealthInsuranceSupportTable>;
export type VoluntaryInsuranceSupport = Selectable<VoluntaryInsuranceSupportTable>;
export type NewVoluntaryInsuranceSupport = Insertable<VoluntaryInsuranceSupportTable>;
export type TuitionSupport = Selectable<TuitionSupportTable>;
export type NewTuitionSupport = Insertable<TuitionSupportTable>;
export type ElectricitySubsidy = Selectable<ElectricitySubsidyTable>;
export type NewElectricitySubsidy = Insertable<ElectricitySubsidyTable>;
export type SocialAllowance = Selectable<SocialAllowanceTable>;
export type NewSocialAllowance = Insertable<SocialAllowanceTable>;
export type EmergencyRelief = Selectable<EmergencyReliefTable>;
export type NewEmergencyRelief = Insertable<EmergencyReliefTable>;

export type HealthInsuranceRollupGrain = 'year' | 'month' | 'day';

/**
 * Rollup of the health-insurance figures per area and calendar year, month or day (see the
 * migration 2026_11_29_0900_create_health_insurance_rollups and coverage.ts). '' in
 * commune_code or support_group stands for every commune (the city) or every group.
 */
export interface HealthInsuranceRollupTable {
  grain: HealthInsuranceRollupGrain;
  period_start: string;
  commune_code: string;
  support_group: string;
  /** Budget of the cards granted on the days of the period. */
  budget: number;
  /** People whose first card in the area began on a day of the period. */
  people_started: number;
  /** People whose last card in the area ended the day before a day of the period. */
  people_stopped: number;
}

/** Days between two spells of a person's cover in an area (one row for every area in `areas`). */
export interface HealthInsuranceGapTable {
  member_id: number;
  commune_code: string;
  support_group: string;
  areas: number;
  /** daterange [first day without, first day with again), written and compared in SQL only. */
  gap: string;
}
