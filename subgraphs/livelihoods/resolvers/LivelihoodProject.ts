import type { LivelihoodsContext } from '../context.js';
import type { LivelihoodProject as ProjectRow } from '../db/tables.js';

export const LivelihoodProject = {
  fundingSource: (p: ProjectRow) => p.funding_source,
  startDate: (p: ProjectRow) => p.start_date,
  endDate: (p: ProjectRow) => p.end_date,
  totals: async (p: ProjectRow, _: unknown, ctx: LivelihoodsContext) => {
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
