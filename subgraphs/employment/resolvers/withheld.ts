import type { GraphQLResolveInfo } from 'graphql';
import { unlessWithheld } from '../../../platform/access/enforce.js';
import type { EmploymentContext } from '../context.js';

/** The two halves of the placements, as toEmploymentFigures (figures.ts) names them. */
interface PlacementSplit {
  overseasPlacements: number;
  domesticPlacements: number;
}

/**
 * Small-count protection beyond each count's own `@count`: overseas and domestic placements
 * add up to the placements shown beside them, so either one gives the other away (placements
 * minus it). Each is withheld when the other is. (Kept out of figures.ts, which maps counts to
 * fields and nothing else.)
 */
export const EmploymentFigures = {
  overseasPlacements: (f: PlacementSplit, _: unknown, ctx: EmploymentContext, info: GraphQLResolveInfo) =>
    unlessWithheld(f.domesticPlacements, f.overseasPlacements, ctx.auth, info),
  domesticPlacements: (f: PlacementSplit, _: unknown, ctx: EmploymentContext, info: GraphQLResolveInfo) =>
    unlessWithheld(f.overseasPlacements, f.domesticPlacements, ctx.auth, info),
};
