import type { HousingContext } from '../context.js';
import { periodKey } from '../loaders.js';
import { checkPeriod, toHousingFigures } from './figures.js';

export const Commune = {
  // The registry owns communes; this subgraph only adds fields keyed by the code.
  __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
  housingFigures: async (c: { code: string }, { from, to }: { from: string; to: string }, ctx: HousingContext) => {
    const period = checkPeriod(from, to);
    const figures = await ctx.loaders.periodFigures.load(periodKey(period));
    return toHousingFigures(period, figures.counts.get(c.code), figures.funding.get(c.code));
  },
};
