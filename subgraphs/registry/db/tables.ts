import type { Generated, Insertable, Selectable } from 'kysely';

export type CommuneKind = 'ward' | 'rural';
export type Classification = 'poor' | 'near_poor' | 'middle_income' | 'above_middle_income';
export type Transition = 'newly_poor' | 'escaped_poverty' | 'newly_near_poor' | 'escaped_near_poverty' | 'unchanged';
export type ReviewKind = 'periodic' | 'regular';
export type Sex = 'female' | 'male';
export type Relation = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'sibling' | 'other';

export interface CommuneTable {
  code: string;
  name: string;
  kind: CommuneKind;
  position: number;
}

export interface CommuneHouseholdCountTable {
  commune_code: string;
  year: number;
  households: number;
  source: string;
}

export interface PovertyStandardTable {
  code: string;
  name: string;
  legal_basis: string;
  valid_from: string;
  valid_to: string;
  first_review_year: number;
  last_review_year: number;
  rural_income_line: number;
  urban_income_line: number;
  rural_middle_income_line: number;
  urban_middle_income_line: number;
  poor_min_deprivations: number;
}

export interface PovertyIndicatorTable {
  standard_code: string;
  code: string;
  position: number;
  dimension: string;
  name: string;
  description: string;
}

export interface HouseholdTable {
  id: Generated<number>;
  commune_code: string;
  address: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HouseholdMemberTable {
  id: Generated<number>;
  household_id: number;
  full_name: string;
  birth_year: number;
  sex: Sex;
  relation: Relation;
  national_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PovertyReviewTable {
  id: Generated<number>;
  household_id: number;
  commune_code: string;
  year: number;
  kind: ReviewKind;
  review_date: string;
  income_per_person_monthly: number;
  standard_code: string;
  deprivations: string[];
  deprivation_count: number;
  classification: Classification;
  transition: Transition;
  created_at: Generated<Date>;
}

/** Per review year and commune: households by their latest review of the year (rollup). */
export interface PovertyYearRollupTable {
  year: number;
  commune_code: string;
  reviewed: number;
  /** Of those, households whose latest review of the year is a periodic one (the year's list). */
  periodic: number;
  poor: number;
  near_poor: number;
  newly_poor: number;
  escaped_poverty: number;
  newly_near_poor: number;
  escaped_near_poverty: number;
}

/** The same households scored under each standard (the what-if view's rollup). */
export interface PovertyWhatIfRollupTable {
  year: number;
  commune_code: string;
  standard_code: string;
  poor: number;
  near_poor: number;
}

/** Per commune and day: the change in poor and near-poor households by latest review. */
export interface PovertyStatusChangeTable {
  commune_code: string;
  change_date: string;
  poor: number;
  near_poor: number;
}

export interface RegistryDatabase {
  commune: CommuneTable;
  commune_household_count: CommuneHouseholdCountTable;
  poverty_standard: PovertyStandardTable;
  poverty_indicator: PovertyIndicatorTable;
  household: HouseholdTable;
  household_member: HouseholdMemberTable;
  poverty_review: PovertyReviewTable;
  poverty_year_rollup: PovertyYearRollupTable;
  poverty_whatif_rollup: PovertyWhatIfRollupTable;
  poverty_status_change: PovertyStatusChangeTable;
}

export type Commune = Selectable<CommuneTable>;
export type PovertyStandard = Selectable<PovertyStandardTable>;
export type PovertyIndicator = Selectable<PovertyIndicatorTable>;
export type Household = Selectable<HouseholdTable>;
export type NewHousehold = Insertable<HouseholdTable>;
export type HouseholdMember = Selectable<HouseholdMemberTable>;
export type NewHouseholdMember = Insertable<HouseholdMemberTable>;
export type PovertyReview = Selectable<PovertyReviewTable>;
export type NewPovertyReview = Insertable<PovertyReviewTable>;
