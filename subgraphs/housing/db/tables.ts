import type { Generated, Insertable, Selectable } from 'kysely';

export type HousingCaseKind = 'new_house' | 'renovation';
export type HousingCaseStatus = 'approved' | 'building' | 'completed' | 'cancelled';
export type HousingFundingSource = 'city_budget' | 'fund_for_the_poor' | 'social_mobilisation' | 'vbsp_housing_loan';
export type FundDonorKind = 'enterprise' | 'individual' | 'organisation' | 'public_servants';

/** Fixed orders for figures that list every source or donor kind (zero where none). */
export const FUNDING_SOURCES: readonly HousingFundingSource[] = ['city_budget', 'fund_for_the_poor', 'social_mobilisation', 'vbsp_housing_loan'];
export const DONOR_KINDS: readonly FundDonorKind[] = ['enterprise', 'individual', 'organisation', 'public_servants'];

export interface HousingCaseTable {
  id: Generated<number>;
  /** The registry's household id (checked against the registry when the case is approved). */
  household_id: number;
  /** The registry's commune of the household, copied at approval. */
  commune_code: string;
  kind: HousingCaseKind;
  status: HousingCaseStatus;
  approval_date: string;
  start_date: string | null;
  completion_date: string | null;
  cancellation_date: string | null;
  cancellation_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HousingFundingLineTable {
  id: Generated<number>;
  case_id: number;
  source: HousingFundingSource;
  amount: number;
  committed_on: string;
  created_at: Generated<Date>;
}

export interface FundContributionTable {
  id: Generated<number>;
  donor_kind: FundDonorKind;
  donor_name: string | null;
  amount: number;
  contribution_date: string;
  /** The registry's commune whose Fund committee received it; null at city level. */
  commune_code: string | null;
  created_at: Generated<Date>;
}

export interface HousingDatabase {
  housing_case: HousingCaseTable;
  housing_funding_line: HousingFundingLineTable;
  fund_contribution: FundContributionTable;
}

export type HousingCase = Selectable<HousingCaseTable>;
export type NewHousingCase = Insertable<HousingCaseTable>;
export type HousingFundingLine = Selectable<HousingFundingLineTable>;
export type NewHousingFundingLine = Insertable<HousingFundingLineTable>;
export type FundContribution = Selectable<FundContributionTable>;
export type NewFundContribution = Insertable<FundContributionTable>;
