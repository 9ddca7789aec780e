import { periodOf } from './period.js';
import type { CommuneResolvers } from './types.generated.js';

/** The registry owns communes; this subgraph only adds fields keyed by the code. */
export const Commune: CommuneResolvers = {
  __resolveReference: (ref) => ({ code: ref.code }),
  livelihoodFigures: (c, args, ctx) => ctx.loaders.communeFigures.load({ commune: c.code, args: periodOf(args) }),
  livelihoodHighTechModels: (c, _, ctx) => ctx.loaders.modelsByCommune.load(c.code),
};
