import type { LivelihoodProjectResolvers } from './types.generated.js';

export const LivelihoodProject: LivelihoodProjectResolvers = {
  fundingSource: (p) => p.funding_source,
  startDate: (p) => p.start_date,
  endDate: (p) => p.end_date,
  totals: async (p, _, ctx) => {
    const t = await ctx.loaders.projectTotals.load(p.code);
    const cash = t?.cash_support ?? 0;
    const inKind = t?.in_kind_support ?? 0;
    return {
      participations: t?.participations ?? 0,
      households: t?.households ?? 0,
      cashSupport: cash,
      inKindSupport: inKind,
      supportValue: cash + inKind,
      remainingBudget: p.budget - cash - inKind,
    };
  },
};
