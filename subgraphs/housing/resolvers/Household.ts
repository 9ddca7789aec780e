import type { HousingContext } from '../context.js';
import { parseId } from '../../../platform/ids.js';

export const Household = {
  // The registry owns households; this subgraph only adds fields keyed by the id.
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  housingSupport: async (h: { id: string }, _: unknown, ctx: HousingContext) => {
    const id = parseId(h.id);
    if (id === undefined) return [];
    // Loaded for every household at once (one statement), then narrowed: a commune-scoped viewer
    // sees only the cases approved in its communes, and the others are left out, not nulled.
    const cases = await ctx.loaders.casesByHousehold.load(id);
    return cases.filter((c) => ctx.auth.canSeeCommune(c.commune_code));
  },
};
