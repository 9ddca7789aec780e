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
}

export type LoanProgramme = Selectable<LoanProgrammeTable>;
export type Loan = Selectable<LoanTable>;
export type NewLoan = Insertable<LoanTable>;
export type LoanRepayment = Selectable<LoanRepaymentTable>;
export type NewLoanRepayment = Insertable<LoanRepaymentTable>;
export type CapitalEntrusted = Selectable<CapitalEntrustedTable>;
export type NewCapitalEntrusted = Insertable<CapitalEntrustedTable>;
