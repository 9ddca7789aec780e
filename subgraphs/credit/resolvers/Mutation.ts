import { requiredText } from '../../../platform/inputs.js';

import { auditedWrite } from '../../../platform/audit.js';
import { badInput } from '../../../platform/errors.js';
import { todayInHanoi } from '../../../platform/scalars.js';
import { checkEligibility, reviewYearsFor } from '../eligibility.js';
import { requireId } from '../../../platform/ids.js';
import * as repo from '../repository.js';
import type { MutationResolvers } from './types.generated.js';

export const Mutation: MutationResolvers = {
  disburseLoan: async (_, { input }, ctx) => {
    // 1. Checks that need nothing but the input.
    const householdId = requireId('householdId', input.householdId, 'household');
    if (input.amount <= 0) throw badInput('amount', 'amount must be more than zero');
    if (!Number.isInteger(input.termMonths) || input.termMonths <= 0) throw badInput('termMonths', 'termMonths must be more than zero');
    if (input.disbursedOn > todayInHanoi()) throw badInput('disbursedOn', `disbursedOn ${input.disbursedOn} is in the future`);
    const purpose = requiredText('purpose', input.purpose);
    const savingsGroup = requiredText('savingsGroup', input.savingsGroup);
    const jobsCreated = input.jobsCreated ?? 0;
    if (!Number.isInteger(jobsCreated) || jobsCreated < 0) throw badInput('jobsCreated', 'jobsCreated must be zero or more');

    // 2. The programme's limits (reference data, read outside any transaction).
    const programme = await ctx.loaders.programmeByCode.load(input.programmeCode);
    if (!programme) throw badInput('programmeCode', `unknown loan programme "${input.programmeCode}"`);
    if (input.amount > programme.max_amount) {
      throw badInput('amount', `amount ${input.amount} is above the ${programme.code} maximum of ${programme.max_amount}`);
    }
    if (input.termMonths > programme.max_term_months) {
      throw badInput('termMonths', `termMonths ${input.termMonths} is above the ${programme.code} maximum of ${programme.max_term_months}`);
    }
    const priority = input.priorityRate ?? false;
    if (priority && programme.priority_rate_percent === null) {
      throw badInput('priorityRate', `programme ${programme.code} has no priority rate`);
    }
    if (jobsCreated > 0 && !programme.records_jobs) {
      throw badInput('jobsCreated', `programme ${programme.code} does not record jobs created`);
    }

    // 3. The registry, before the transaction (on the embedded database it needs the shared
    //    session that a transaction would hold). Eligibility uses the lists in force in the
    //    disbursement year: those of review year Y-1 (see eligibility.ts).
    const year = Number(input.disbursedOn.slice(0, 4));
    const households = await ctx.registry.households([String(householdId)], reviewYearsFor(programme.eligibility, year));
    const household = households.get(String(householdId));
    const missing = () => badInput('householdId', `unknown household "${input.householdId}": the registry does not know it`);
    if (!household) throw missing();
    // A commune-scoped writer (none in the default policy, but roles are data) writes only in
    // its communes: a household elsewhere reads as a missing one, checked before its eligibility
    // could say anything about it.
    ctx.auth.requireCommune(household.communeCode, missing);
    const eligible = checkEligibility(programme.eligibility, year, household.classificationByYear);
    if (!eligible.eligible) {
      throw badInput('programmeCode', `household ${householdId} is not eligible for ${programme.code}: ${eligible.reason}`);
    }

    // 4. The loan and its audit record in one transaction.
    const loan = await auditedWrite(ctx.db, ctx.auth, 'disburseLoan', (trx, audit) => {
      audit.household(householdId);
      return repo.insertLoan(trx, {
        household_id: householdId,
        commune_code: household.communeCode,
        programme_code: programme.code,
        principal: input.amount,
        disbursed_on: input.disbursedOn,
        term_months: input.termMonths,
        annual_rate_percent: priority ? programme.priority_rate_percent! : programme.annual_rate_percent,
        priority_rate: priority,
        purpose,
        mass_organisation: input.massOrganisation,
        savings_group: savingsGroup,
        jobs_created: jobsCreated,
        status: 'current',
        written_off_on: null,
      });
    });
    return { loan };
  },

  recordRepayment: async (_, { input }, ctx) => {
    const loanId = requireId('loanId', input.loanId, 'loan');
    if (input.principal < 0) throw badInput('principal', 'principal must be zero or more');
    if (input.interest < 0) throw badInput('interest', 'interest must be zero or more');
    if (input.principal === 0 && input.interest === 0) throw badInput('principal', 'a repayment must pay some principal or interest');
    if (input.paidOn > todayInHanoi()) throw badInput('paidOn', `paidOn ${input.paidOn} is in the future`);

    // No registry question here: the loan already carries its household. Everything below
    // runs on `trx`, with the loan row locked so that concurrent repayments are checked in turn,
    // and the audit record is written in the same transaction.
    return auditedWrite(ctx.db, ctx.auth, 'recordRepayment', async (trx, audit) => {
      const loan = await repo.lockLoan(trx, loanId);
      const missing = () => badInput('loanId', `unknown loan "${input.loanId}"`);
      if (!loan) throw missing();
      ctx.auth.requireCommune(loan.commune_code, missing);
      audit.household(loan.household_id);
      if (loan.status === 'written_off') throw badInput('loanId', `loan ${loanId} was written off on ${loan.written_off_on}`);
      if (input.paidOn < loan.disbursed_on) {
        throw badInput('paidOn', `paidOn ${input.paidOn} is before the disbursement on ${loan.disbursed_on}`);
      }
      // The balance only falls over time, so the binding limit is what remains after every
      // repayment already recorded (a back-dated repayment must not overdraw a later balance);
      // it is never more than the balance outstanding on `paidOn`.
      const remaining = loan.principal - (await repo.principalRepaid(trx, loanId));
      if (input.principal > remaining) {
        throw badInput('principal', `principal ${input.principal} is above the ${remaining} outstanding on loan ${loanId}`);
      }
      const repayment = await repo.insertRepayment(trx, {
        loan_id: loanId,
        paid_on: input.paidOn,
        principal: input.principal,
        interest: input.interest,
      });
      const updated = remaining === input.principal && loan.status !== 'repaid' ? await repo.setLoanStatus(trx, loanId, 'repaid') : loan;
      return { repayment, loan: updated };
    });
  },
};
