import { toEmploymentFigures } from './figures.js';
import type { CommuneResolvers } from './types.generated.js';

/** The registry owns communes; this subgraph adds their employment figures. */
export const Commune: CommuneResolvers = {
  __resolveReference: (ref) => ({ code: ref.code }),
  employmentFigures: async (c, { year }, ctx) => toEmploymentFigures(await ctx.loaders.communeFigures.load({ commune: c.code, args: year })),
  jobFairs: (c, { year }, ctx) => ctx.loaders.jobFairsByCommuneYear.load({ commune: c.code, args: year }),
};
