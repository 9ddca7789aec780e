import type { SocialInsuranceContext } from '../context.js';
import { periodKey } from '../loaders.js';
import { checkPeriod } from './figures.js';

export const Commune = {
  // The registry owns the commune; this subgraph only adds figures keyed by its code.
  __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
  socialFigures: (c: { code: string }, { from, to }: { from: string; to: string }, ctx: SocialInsuranceContext) => {
    checkPeriod(from, to);
    return ctx.loaders.communeFigures.load(`${c.code}|${periodKey(from, to)}`);
  },
};
