import type { LivelihoodsContext } from '../context.js';
import { parseId } from '../../common/ids.js';

/** The registry owns households; this subgraph only adds their livelihood support. */
export const Household = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  livelihoodSupport: (h: { id: string }, _: unknown, ctx: LivelihoodsContext) => {
    const id = parseId(h.id);
    return id ? ctx.loaders.participantsByHousehold.load(id) : [];
  },
};
