import type { LivelihoodsContext } from '../context.js';
import { parseId } from '../../../platform/ids.js';

/** The registry owns households; this subgraph only adds their livelihood support. */
export const Household = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  livelihoodSupport: async (h: { id: string }, _: unknown, ctx: LivelihoodsContext) => {
    const id = parseId(h.id);
    if (!id) return [];
    // Loaded for every household at once (one statement), then narrowed: a commune-scoped viewer
    // sees only the participations enrolled in its communes; the others are left out, not nulled.
    const participations = await ctx.loaders.participantsByHousehold.load(id);
    return participations.filter((p) => ctx.auth.canSeeCommune(p.commune_code));
  },
};
