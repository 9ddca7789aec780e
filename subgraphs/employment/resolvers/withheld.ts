import { unlessWithheld } from '../../../platform/access/enforce.js';
import type { EmploymentFiguresResolvers } from './types.generated.js';

/**
 * Small-count protection beyond each count's own `@count`: overseas and domestic placements
 * add up to the placements shown beside them, so either one gives the other away (placements
 * minus it). Each is withheld when the other is. (Kept out of figures.ts, which maps counts to
 * fields and nothing else.)
 */
export const EmploymentFigures: EmploymentFiguresResolvers = {
  overseasPlacements: (f, _, ctx, info) => unlessWithheld(f.domesticPlacements, f.overseasPlacements, ctx.auth, info),
  domesticPlacements: (f, _, ctx, info) => unlessWithheld(f.overseasPlacements, f.domesticPlacements, ctx.auth, info),
};
