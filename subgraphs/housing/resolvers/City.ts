import { resolveCityReference } from '../../../platform/city.js';
import { checkPeriod, cityTotals, toFundFigures, toHousingFigures } from './figures.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  housingFigures: async (_, { from, to }, ctx) => {
    const period = checkPeriod(from, to);
    const { counts, funding } = cityTotals(await ctx.loaders.periodFigures.load(period));
    return toHousingFigures(period, counts, funding);
  },
  fundForThePoor: async (_, { from, to }, ctx) => {
    const period = checkPeriod(from, to);
    const [contributions, figures] = await Promise.all([ctx.loaders.contributionsByPeriod.load(period), ctx.loaders.periodFigures.load(period)]);
    return toFundFigures(period, contributions, cityTotals(figures));
  },
};
