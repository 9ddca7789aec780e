import type { EmploymentContext } from '../context.js';
import type { JobFair as FairRow } from '../db/tables.js';
import { visible } from './scope.js';

export const JobFair = {
  id: (f: FairRow) => String(f.id),
  commune: (f: FairRow) => ({ code: f.commune_code }),
  heldOn: (f: FairRow) => f.held_on,
  hiresAbroad: (f: FairRow) => f.hires_abroad,
  // A fair is public, its placements are household-level records: a commune-scoped caller sees
  // those of its communes' households only (workers come to a fair from anywhere).
  placements: async (f: FairRow, _: unknown, ctx: EmploymentContext) => visible(await ctx.loaders.placementsByFair.load(f.id), ctx),
};
