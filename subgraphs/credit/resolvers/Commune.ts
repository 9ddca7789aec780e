import type { CreditContext } from '../context.js';
import { periodKey, toCreditFigures, toCreditOutstanding } from './figures.js';

type CommuneRef = { code: string };

export const Commune = {
  // The registry owns communes; the reference is all this subgraph needs to hang figures on.
  __resolveReference: (ref: CommuneRef) => ({ code: ref.code }),
  creditFigures: async (c: CommuneRef, { from, to }: { from: string; to: string }, ctx: CreditContext) => {
    const [area, programmes] = await Promise.all([
      ctx.loaders.communeDisbursements.load(`${c.code}|${periodKey(from, to)}`),
      ctx.loaders.allProgrammes.load('all'),
    ]);
    return toCreditFigures(from, to, area, programmes, c.code);
  },
  creditOutstanding: async (c: CommuneRef, { asOf }: { asOf: string }, ctx: CreditContext) => {
    const [area, programmes] = await Promise.all([ctx.loaders.communeOutstanding.load(`${c.code}|${asOf}`), ctx.loaders.allProgrammes.load('all')]);
    return toCreditOutstanding(asOf, area, programmes);
  },
};
