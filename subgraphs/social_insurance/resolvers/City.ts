import { resolveCityReference } from '../../../platform/city.js';
import { checkPeriod } from './figures.js';
import { findReportedStatistics } from '../repository.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  socialFigures: (_, { from, to }, ctx) => {
    return ctx.loaders.cityFigures.load(checkPeriod(from, to));
  },
  socialReportedStatistics: async (_, __, ctx) => (await findReportedStatistics(ctx.db)).map((s) => ({ ...s, value: Number(s.value) })),
};
