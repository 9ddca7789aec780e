import type { Generated, Insertable, Selectable } from 'kysely';

/** Who may borrow under a programme, judged from the registry's reviews (see eligibility.ts). */
export type Eligibility = 'poor' | 'near_poor' | 'newly_escaped' | 'any_registered';
export type MassOrganisation = 'womens_union' | 'farmers_association' | 'veterans_association' | 'youth_union';
export type LoanStatus = 'current' | 'overdue' | 'repaid' | 'written_off';

export interface LoanProgrammeTable {
  code: string;
  name: string;
  description: string;
  eligibility: Eligibility;
  /** numeric(5,2), read as an exact decimal string. */
  annual_rate_percent: string;
  priority_rate_percent: string | null;
  max_amount: number;
  max_term_months: number;
  grace_months: number | null;
  records_jobs: boolean;
  position: number;
}

export interface LoanTable {
  id: Generated<number>;
  household_id: number;
  commune_code: string;
  programme_code: string;
  principal: number;
  disbursed_on: string;
  term_months: number;
  annual_rate_percent: string;
  priority_rate: boolean;
  purpose: string;
  mass_organisation: MassOrganisation;
  savings_group: string;
  jobs_created: number;
  status: LoanStatus;
  written_off_on: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LoanRepaymentTable {
  id: Generated<number>;
  loan_id: number;
  paid_on: string;
  principal: number;
  interest: number;
  created_at: Generated<Date>;
}

export interface CapitalEntrustedTable {
  id: Generated<number>;
  year: number;
  amount: number;
  source_note: string;
}

export interface CreditDatabase {
  loan_programme: LoanProgrammeTable;
  loan: LoanTable;
  loan_repayment: LoanRepaymentTable;
  capital_entrusted: CapitalEntrustedTable;
  credit_rollup: CreditRollupTable;
  credit_household_gap: CreditHouseholdGapTable;
}

export type LoanProgramme = Selectable<LoanProgrammeTable>;
export type Loan = Selectable<LoanTable>;
export type NewLoan = Insertable<LoanTable>;
export type LoanRepayment = Selectable<LoanRepaymentTable>;
export type NewLoanRepayment = Insertable<LoanRepaymentTable>;
export type CapitalEntrusted = Selectable<CapitalEntrustedTable>;
export type NewCapitalEntrusted = Insertable<CapitalEntrustedTable>;
export type CreditRollup = Selectable<CreditRollupTable>;

/**
 * Rollup of the credit figures per area and calendar year, month or day (see the migration
 * 2026_11_29_0900_create_credit_rollups): what happened on the days of the period. '' in
 * commune_code or programme_code stands for every commune (the city) or every programme.
 */
export interface CreditRollupTable {
  grain: RollupGrain;
  period_start: string;
  commune_code: string;
  programme_code: string;
  amount_disbursed: number;
  loans_disbursed: number;
  jobs_created: number;
  /** Change of the principal outstanding at the end of each day: disbursed, less repaid, less closed balances. */
  balance_change: number;
  /** Loans whose balance stopped counting (paid off or written off). */
  loans_closed: number;
  /** Households whose first borrowing day in the area is in the period. */
  borrowers_started: number;
  /** Households whose last borrowing day in the area is the day before one in the period. */
  borrowers_stopped: number;
  /** Households whose first day with a balance in the area is in the period. */
  balance_holders_started: number;
  /** Households whose balance in the area ended for good on a day of the period (first day without). */
  balance_holders_stopped: number;
}

export type RollupGrain = 'year' | 'month' | 'day';

/**
 * Days of a household in an area on which it borrowed nothing between two borrowing days
 * ('borrowing'), or owed nothing between two spells with a balance ('balance'). One row counts
 * in each kind of area its `areas` bits name (AREA in balance.ts), under its commune and
 * programme.
 */
export interface CreditHouseholdGapTable {
  household_id: number;
  measure: 'borrowing' | 'balance';
  commune_code: string;
  programme_code: string;
  areas: number;
  /** daterange [first day without, first day with again), written and compared in SQL only. */
  gap: string;
}
