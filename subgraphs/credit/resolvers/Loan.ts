import { todayInHanoi } from '../../../platform/scalars.js';
import { addMonths, outstandingOf } from '../balance.js';
import type { CreditContext } from '../context.js';
import type { Loan as LoanRow, LoanProgramme as ProgrammeRow, LoanRepayment as RepaymentRow } from '../db/tables.js';

export const Loan = {
  id: (l: LoanRow) => String(l.id),
  household: (l: LoanRow) => ({ id: String(l.household_id) }),
  commune: (l: LoanRow) => ({ code: l.commune_code }),
  programme: (l: LoanRow, _: unknown, ctx: CreditContext) => ctx.loaders.programmeByCode.load(l.programme_code),
  disbursedOn: (l: LoanRow) => l.disbursed_on,
  termMonths: (l: LoanRow) => l.term_months,
  maturityDate: (l: LoanRow) => addMonths(l.disbursed_on, l.term_months),
  annualRatePercent: (l: LoanRow) => Number(l.annual_rate_percent),
  priorityRate: (l: LoanRow) => l.priority_rate,
  massOrganisation: (l: LoanRow) => l.mass_organisation,
  savingsGroup: (l: LoanRow) => l.savings_group,
  jobsCreated: (l: LoanRow) => l.jobs_created,
  writtenOffOn: (l: LoanRow) => l.written_off_on,
  repayments: (l: LoanRow, _: unknown, ctx: CreditContext) => ctx.loaders.repaymentsByLoan.load(l.id),
  principalRepaid: async (l: LoanRow, _: unknown, ctx: CreditContext) =>
    (await ctx.loaders.repaymentsByLoan.load(l.id)).reduce((sum, r) => sum + r.principal, 0),
  outstanding: async (l: LoanRow, { asOf }: { asOf?: string | null }, ctx: CreditContext) =>
    outstandingOf(l, await ctx.loaders.repaymentsByLoan.load(l.id), asOf ?? todayInHanoi()),
};

export const LoanRepayment = {
  id: (r: RepaymentRow) => String(r.id),
  loan: (r: RepaymentRow, _: unknown, ctx: CreditContext) => ctx.loaders.loanById.load(r.loan_id),
  paidOn: (r: RepaymentRow) => r.paid_on,
};

export const LoanProgramme = {
  annualRatePercent: (p: ProgrammeRow) => Number(p.annual_rate_percent),
  priorityRatePercent: (p: ProgrammeRow) => (p.priority_rate_percent === null ? null : Number(p.priority_rate_percent)),
  maxAmount: (p: ProgrammeRow) => p.max_amount,
  maxTermMonths: (p: ProgrammeRow) => p.max_term_months,
  graceMonths: (p: ProgrammeRow) => p.grace_months,
  recordsJobs: (p: ProgrammeRow) => p.records_jobs,
};
