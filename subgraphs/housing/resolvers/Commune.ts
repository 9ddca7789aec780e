import { checkPeriod, toHousingFigures } from './figures.js';
import type { CommuneResolvers } from './types.generated.js';

export const Commune: CommuneResolvers = {
  // The registry owns communes; this subgraph only adds fields keyed by the code.
  __resolveReference: (ref) => ({ code: ref.code }),
  housingFigures: async (c, { from, to }, ctx) => {
    const period = checkPeriod(from, to);
    const figures = await ctx.loaders.periodFigures.load(period);
    return toHousingFigures(period, figures.counts.get(c.code), figures.funding.get(c.code));
  },
};
