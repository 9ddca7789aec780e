import type { CreditContext } from '../context.js';
import { periodKey, toCreditFigures, toCreditOutstanding } from './figures.js';

type CommuneRef = { code: string };

export const Commune = {
  // The registry owns communes; the reference is all this subgraph needs to hang figures on.
  __resolveReference: (ref: CommuneRef) => ({ code: ref.code }),
  creditFigures: async (c: CommuneRef, { from, to }: { from: string; to: string }, ctx: CreditContext) => {
    const [areas, programmes] = await Promise.all([
      ctx.loaders.communeDisbursements.load(periodKey(from, to)),
      ctx.loaders.allProgrammes.load('all'),
    ]);
    return toCreditFigures(from, to, areas.get(c.code), programmes);
  },
  creditOutstanding: async (c: CommuneRef, { asOf }: { asOf: string }, ctx: CreditContext) => {
    const [areas, programmes] = await Promise.all([ctx.loaders.communeOutstanding.load(asOf), ctx.loaders.allProgrammes.load('all')]);
    return toCreditOutstanding(asOf, areas.get(c.code), programmes);
  },
};
