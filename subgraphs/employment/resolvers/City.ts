import { resolveCityReference } from '../../../platform/city.js';
import { toEmploymentFigures } from './figures.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  employmentFigures: async (_, { year }, ctx) => toEmploymentFigures(await ctx.loaders.cityFigures.load(year)),
  labourStatistics: (_, { year }, ctx) => ctx.loaders.labourStatisticsByYear.load(year),
};
