import { resolveCityReference } from '../../../platform/city.js';
import { periodKey } from '../loaders.js';
import { checkPeriod } from './figures.js';
import { findReportedStatistics } from '../repository.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  socialFigures: (_, { from, to }, ctx) => {
    checkPeriod(from, to);
    return ctx.loaders.cityFigures.load(periodKey(from, to));
  },
  socialReportedStatistics: async (_, __, ctx) =>
    (await findReportedStatistics(ctx.db)).map((s) => ({ ...s, value: Number(s.value) })),
};
