import { checkPeriod } from '../../../platform/period.js';
import { toCreditFigures, toCreditOutstanding } from './figures.js';
import type { CommuneResolvers } from './types.generated.js';

export const Commune: CommuneResolvers = {
  // The registry owns communes; the reference is all this subgraph needs to hang figures on.
  __resolveReference: (ref) => ({ code: ref.code }),
  creditFigures: async (c, { from, to }, ctx) => {
    const [area, programmes] = await Promise.all([
      ctx.loaders.communeDisbursements.load({ commune: c.code, args: checkPeriod(from, to) }),
      ctx.loaders.allProgrammes.load('all'),
    ]);
    return toCreditFigures(from, to, area, programmes, c.code);
  },
  creditOutstanding: async (c, { asOf }, ctx) => {
    const [area, programmes] = await Promise.all([ctx.loaders.communeOutstanding.load({ commune: c.code, args: asOf }), ctx.loaders.allProgrammes.load('all')]);
    return toCreditOutstanding(asOf, area, programmes);
  },
};
