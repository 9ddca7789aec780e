import { resolveCityReference } from '../../../platform/city.js';
import type { EmploymentContext } from '../context.js';
import { toEmploymentFigures } from './figures.js';

export const City = {
  __resolveReference: resolveCityReference,
  employmentFigures: async (_: unknown, { year }: { year: number }, ctx: EmploymentContext) =>
    toEmploymentFigures(await ctx.loaders.cityFigures.load(year)),
  labourStatistics: (_: unknown, { year }: { year: number }, ctx: EmploymentContext) => ctx.loaders.labourStatisticsByYear.load(year),
};
