import { parseId } from '../../../platform/ids.js';
import type { HouseholdResolvers } from './types.generated.js';

export const Household: HouseholdResolvers = {
  // The registry owns households; this subgraph only adds fields keyed by the id.
  __resolveReference: (ref) => ({ id: ref.id }),
  housingSupport: async (h, _, ctx) => {
    const id = parseId(h.id);
    if (id === undefined) return [];
    // Loaded for every household at once (one statement), then narrowed: a commune-scoped viewer
    // sees only the cases approved in its communes, and the others are left out, not nulled.
    const cases = await ctx.loaders.casesByHousehold.load(id);
    return cases.filter((c) => ctx.auth.canSeeCommune(c.commune_code));
  },
};
