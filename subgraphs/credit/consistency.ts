import { addDays, numberParameter, stringParameter, yearBounds, type DepartmentFinding } from '../../platform/consistency.js';
import type { CreditContext } from './context.js';
import type { Eligibility } from './db/tables.js';
import { checkEligibility, reviewYearsFor } from './eligibility.js';
import * as repo from './repository.js';

// The credit subgraph's part of the consistency checks (platform/consistency.ts): its
// loans against the registry's lists in force, and the facts the housing subgraph's rule needs.

const LIST_RULE = 'SUPPORT_WITHOUT_LIST';
const HOUSING_RULE = 'HOUSING_LOAN_NOT_DISBURSED';

/** The programmes the lists in force govern: every one but those open to any registered household. */
const LISTED: readonly Eligibility[] = ['poor', 'near_poor', 'newly_escaped'];

/**
 * SUPPORT_WITHOUT_LIST for loans disbursed in `year`: the same eligibility rule the write path
 * applies (eligibility.ts), run again against the registry's reviews as they are now (a review
 * recorded after the loan, or a loan written past the check, shows here). The registry is asked
 * for the lists of these communes once (registry client `classifications`).
 */
export async function creditFindings(ctx: CreditContext, communes: string[] | null, year: number): Promise<DepartmentFinding[]> {
  const { from, to } = yearBounds(year);
  const loans = await repo.findLoansForConsistency(ctx.db, communes, from, to, { eligibilities: LISTED });
  if (loans.length === 0) return [];
  const years = [...new Set(loans.flatMap((l) => reviewYearsFor(l.eligibility, year)))];
  const households = await ctx.registry.classifications(
    communes,
    years,
    loans.map((l) => String(l.household_id)),
  );
  const findings: DepartmentFinding[] = [];
  for (const loan of loans) {
    const household = households.get(String(loan.household_id));
    if (!household) continue; // not in the registry at all: the write path refuses such loans
    const verdict = checkEligibility(loan.eligibility, year, household.classificationByYear);
    if (verdict.eligible) continue;
    findings.push({
      rule: LIST_RULE,
      householdId: String(loan.household_id),
      communeCode: loan.commune_code,
      departments: ['registry', 'credit'],
      records: [{ department: 'credit', kind: 'Loan', id: String(loan.id) }],
      detail: `${loan.programme_code} loan disbursed ${loan.disbursed_on}: ${verdict.reason}`,
      detailVi: `khoản vay ${loan.programme_code} giải ngân ngày ${loan.disbursed_on}: ${verdict.reasonVi}`,
    });
  }
  return findings;
}

/**
 * The housing rule's facts: loans of its programme disbursed within the rule's window of any
 * day of `year` (the rule then matches each funding line's own window).
 */
export async function housingLoanFacts(ctx: CreditContext, communes: string[] | null, year: number) {
  const window = numberParameter(HOUSING_RULE, 'windowDays');
  const { from, to } = yearBounds(year);
  const loans = await repo.findLoansForConsistency(ctx.db, communes, addDays(from, -window), addDays(to, window), {
    programme: stringParameter(HOUSING_RULE, 'loanProgramme'),
  });
  return loans.map((l) => ({
    householdId: String(l.household_id),
    communeCode: l.commune_code,
    loanId: String(l.id),
    programme: l.programme_code,
    disbursedOn: l.disbursed_on,
  }));
}
