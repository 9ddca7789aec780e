import { todayInHanoi } from '../../common/scalars.js';
import { outstandingOf } from '../balance.js';
import type { CreditContext } from '../context.js';
import { parseId } from '../../common/ids.js';

type HouseholdRef = { id: string };

export const Household = {
  // The registry owns households; the reference is all this subgraph needs to hang loans on.
  __resolveReference: (ref: HouseholdRef) => ({ id: ref.id }),
  loans: (h: HouseholdRef, _: unknown, ctx: CreditContext) => {
    const id = parseId(h.id);
    return id === undefined ? [] : ctx.loaders.loansByHousehold.load(id);
  },
  creditSummary: async (h: HouseholdRef, { asOf }: { asOf?: string | null }, ctx: CreditContext) => {
    const date = asOf ?? todayInHanoi();
    const id = parseId(h.id);
    const loans = (id === undefined ? [] : await ctx.loaders.loansByHousehold.load(id)).filter((l) => l.disbursed_on <= date);
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
