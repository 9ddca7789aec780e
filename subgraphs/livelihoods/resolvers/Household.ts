import { parseId } from '../../../platform/ids.js';
import type { HouseholdResolvers } from './types.generated.js';

/** The registry owns households; this subgraph only adds their livelihood support. */
export const Household: HouseholdResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  livelihoodSupport: async (h, _, ctx) => {
    const id = parseId(h.id);
    if (!id) return [];
    // Loaded for every household at once (one statement), then narrowed: a commune-scoped viewer
    // sees only the participations enrolled in its communes; the others are left out, not nulled.
    const participations = await ctx.loaders.participantsByHousehold.load(id);
    return participations.filter((p) => ctx.auth.canSeeCommune(p.commune_code));
  },
};
