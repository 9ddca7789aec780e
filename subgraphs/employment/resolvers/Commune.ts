import type { EmploymentContext } from '../context.js';
import { toEmploymentFigures } from './figures.js';

/** The registry owns communes; this subgraph adds their employment figures. */
export const Commune = {
  __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
  employmentFigures: async (c: { code: string }, { year }: { year: number }, ctx: EmploymentContext) =>
    toEmploymentFigures(await ctx.loaders.communeFigures.load(`${c.code}|${year}`)),
  jobFairs: (c: { code: string }, { year }: { year: number }, ctx: EmploymentContext) =>
    ctx.loaders.jobFairsByCommuneYear.load(`${c.code}|${year}`),
};
