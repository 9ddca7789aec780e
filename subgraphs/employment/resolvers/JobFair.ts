import type { EmploymentContext } from '../context.js';
import type { JobFair as FairRow } from '../db/tables.js';

export const JobFair = {
  id: (f: FairRow) => String(f.id),
  commune: (f: FairRow) => ({ code: f.commune_code }),
  heldOn: (f: FairRow) => f.held_on,
  hiresAbroad: (f: FairRow) => f.hires_abroad,
  placements: (f: FairRow, _: unknown, ctx: EmploymentContext) => ctx.loaders.placementsByFair.load(f.id),
};
