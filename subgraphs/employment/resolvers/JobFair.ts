import { visible } from './scope.js';
import type { JobFairResolvers } from './types.generated.js';

export const JobFair: JobFairResolvers = {
  id: (f) => String(f.id),
  commune: (f) => ({ code: f.commune_code }),
  heldOn: (f) => f.held_on,
  hiresAbroad: (f) => f.hires_abroad,
  // A fair is public, its placements are household-level records: a commune-scoped caller sees
  // those of its communes' households only (workers come to a fair from anywhere).
  placements: async (f, _, ctx) => visible(await ctx.loaders.placementsByFair.load(f.id), ctx),
};
