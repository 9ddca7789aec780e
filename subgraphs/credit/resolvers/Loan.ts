import { required } from '../../../platform/batch.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import { addMonths, outstandingOf } from '../balance.js';
import type { LoanProgrammeResolvers, LoanRepaymentResolvers, LoanResolvers } from './types.generated.js';

export const Loan: LoanResolvers = {
  id: (l) => String(l.id),
  household: (l) => ({ id: String(l.household_id) }),
  commune: (l) => ({ code: l.commune_code }),
  programme: async (l, _, ctx) => required(await ctx.loaders.programmeByCode.load(l.programme_code), `loan programme ${l.programme_code}`),
  disbursedOn: (l) => l.disbursed_on,
  termMonths: (l) => l.term_months,
  maturityDate: (l) => addMonths(l.disbursed_on, l.term_months),
  annualRatePercent: (l) => Number(l.annual_rate_percent),
  priorityRate: (l) => l.priority_rate,
  massOrganisation: (l) => l.mass_organisation,
  savingsGroup: (l) => l.savings_group,
  jobsCreated: (l) => l.jobs_created,
  writtenOffOn: (l) => l.written_off_on,
  repayments: (l, _, ctx) => ctx.loaders.repaymentsByLoan.load(l.id),
  principalRepaid: async (l, _, ctx) => (await ctx.loaders.repaymentsByLoan.load(l.id)).reduce((sum, r) => sum + r.principal, 0),
  outstanding: async (l, { asOf }, ctx) => outstandingOf(l, await ctx.loaders.repaymentsByLoan.load(l.id), asOf ?? todayInHanoi()),
};

export const LoanRepayment: LoanRepaymentResolvers = {
  id: (r) => String(r.id),
  loan: async (r, _, ctx) => required(await ctx.loaders.loanById.load(r.loan_id), `loan ${r.loan_id}`),
  paidOn: (r) => r.paid_on,
};

export const LoanProgramme: LoanProgrammeResolvers = {
  annualRatePercent: (p) => Number(p.annual_rate_percent),
  priorityRatePercent: (p) => (p.priority_rate_percent === null ? null : Number(p.priority_rate_percent)),
  maxAmount: (p) => p.max_amount,
  maxTermMonths: (p) => p.max_term_months,
  graceMonths: (p) => p.grace_months,
  recordsJobs: (p) => p.records_jobs,
};
