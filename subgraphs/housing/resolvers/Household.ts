import type { HousingContext } from '../context.js';
import { parseId } from '../../common/ids.js';

export const Household = {
  // The registry owns households; this subgraph only adds fields keyed by the id.
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  housingSupport: (h: { id: string }, _: unknown, ctx: HousingContext) => {
    const id = parseId(h.id);
    return id === undefined ? [] : ctx.loaders.casesByHousehold.load(id);
  },
};
