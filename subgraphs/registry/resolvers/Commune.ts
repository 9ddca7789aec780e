import { toPovertyFigures, yearRange } from './figures.js';
import { communeConsistency } from './Consistency.js';
import { householdPage } from './Query.js';
import type { CommuneResolvers } from './types.generated.js';

export const Commune: CommuneResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.communeByCode.load(ref.code),
  householdCount: (c, { year }, ctx) => ctx.loaders.householdCount.load({ commune: c.code, args: year }),
  povertyFigures: async (c, { year }, ctx) => toPovertyFigures(await ctx.loaders.communeFigures.load({ commune: c.code, args: year })),
  povertyTrend: async (c, { fromYear, toYear }, ctx) => {
    const years = yearRange(fromYear, toYear);
    const figures = await Promise.all(years.map((y) => ctx.loaders.communeFigures.load({ commune: c.code, args: y })));
    return figures.map(toPovertyFigures);
  },
  povertyStatus: async (c, { asOf }, ctx) => {
    const row = (await ctx.loaders.povertyStatusByDate.load(asOf)).get(c.code);
    return { asOf, poor: row?.poor ?? 0, nearPoor: row?.near_poor ?? 0 };
  },
  households: (c, args, ctx) => householdPage(ctx, { ...args, filter: { ...args.filter, communeCode: c.code } }),
  consistency: (c, { year }, ctx) => communeConsistency(c.code, year, ctx),
};
