import type { EmploymentContext } from '../context.js';
import { toEmploymentFigures } from './figures.js';

/** Hanoi's province code; the graph covers one city. */
export const CITY_CODE = '01';

export const City = {
  __resolveReference: (ref: { code: string }) => (ref.code === CITY_CODE ? { code: CITY_CODE } : null),
  employmentFigures: async (_: unknown, { year }: { year: number }, ctx: EmploymentContext) =>
    toEmploymentFigures(await ctx.loaders.cityFigures.load(year)),
  labourStatistics: (_: unknown, { year }: { year: number }, ctx: EmploymentContext) => ctx.loaders.labourStatisticsByYear.load(year),
};
