import { checkPeriod } from './figures.js';
import type { CommuneResolvers } from './types.generated.js';

export const Commune: CommuneResolvers = {
  // The registry owns the commune; this subgraph only adds figures keyed by its code.
  __resolveReference: (ref) => ({ code: ref.code }),
  socialFigures: (c, { from, to }, ctx) => {
    return ctx.loaders.communeFigures.load({ commune: c.code, args: checkPeriod(from, to) });
  },
};
