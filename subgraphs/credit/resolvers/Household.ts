import { todayInHanoi } from '../../../platform/scalars.js';
import { outstandingOf } from '../balance.js';
import type { CreditContext } from '../context.js';
import type { Loan as LoanRow } from '../db/tables.js';
import { parseId } from '../../../platform/ids.js';
import type { HouseholdResolvers } from './types.generated.js';

type HouseholdRef = { id: string };

/**
 * The household's loans this viewer may see: a commune-scoped viewer (a caseworker) sees the
 * loans disbursed in its communes and no others. Filtered after the loader, so that an
 * `_entities` call for many households stays one SQL statement; the loans left out are left
 * out, never shown as nulls.
 */
async function visibleLoans(h: HouseholdRef, ctx: CreditContext): Promise<LoanRow[]> {
  const id = parseId(h.id);
  if (id === undefined) return [];
  const loans = await ctx.loaders.loansByHousehold.load(id);
  return ctx.auth.communeScope ? loans.filter((l) => ctx.auth.canSeeCommune(l.commune_code)) : loans;
}

export const Household: HouseholdResolvers = {
  // The registry owns households; the reference is all this subgraph needs to hang loans on.
  // Scoping happens on the records (each loan carries its commune), not here: this subgraph
  // does not know which commune a household without loans lives in.
  __resolveReference: (ref) => ({ id: ref.id }),
  loans: (h, _, ctx) => visibleLoans(h, ctx),
  // Over the visible loans only, so that the summary gives away nothing the list does not show.
  creditSummary: async (h, { asOf }, ctx) => {
    const date = asOf ?? todayInHanoi();
    const loans = (await visibleLoans(h, ctx)).filter((l) => l.disbursed_on <= date);
    const repayments = await ctx.loaders.repaymentsByLoan.loadMany(loans.map((l) => l.id));
    let outstanding = 0;
    loans.forEach((loan, i) => {
      const r = repayments[i];
      if (r instanceof Error) throw r;
      outstanding += outstandingOf(loan, r ?? [], date);
    });
    return { asOf: date, loans: loans.length, totalBorrowed: loans.reduce((sum, l) => sum + l.principal, 0), outstanding };
  },
};
