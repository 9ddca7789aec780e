import { resolveCityReference } from '../../../platform/city.js';
import { periodKey } from '../loaders.js';
import { checkPeriod, cityTotals, toFundFigures, toHousingFigures } from './figures.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  housingFigures: async (_, { from, to }, ctx) => {
    const period = checkPeriod(from, to);
    const { counts, funding } = cityTotals(await ctx.loaders.periodFigures.load(periodKey(period)));
    return toHousingFigures(period, counts, funding);
  },
  fundForThePoor: async (_, { from, to }, ctx) => {
    const period = checkPeriod(from, to);
    const key = periodKey(period);
    const [contributions, figures] = await Promise.all([
      ctx.loaders.contributionsByPeriod.load(key),
      ctx.loaders.periodFigures.load(key),
    ]);
    return toFundFigures(period, contributions, cityTotals(figures));
  },
};
