import type { LivelihoodsContext } from '../context.js';

/** The registry owns households; this subgraph only adds their livelihood support. */
export const Household = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  livelihoodSupport: (h: { id: string }, _: unknown, ctx: LivelihoodsContext) => {
    const id = Number(h.id);
    return Number.isSafeInteger(id) && id > 0 ? ctx.loaders.participantsByHousehold.load(id) : [];
  },
};
