import { grantedWithoutList, yearBounds, type DepartmentFinding } from '../../platform/consistency.js';
import type { LivelihoodsContext } from './context.js';
import * as repo from './repository.js';
import { ELIGIBLE } from './resolvers/Mutation.js';

// The livelihoods subgraph's part of the consistency checks (platform/consistency.ts):
// its participations against the registry's lists in force.

/**
 * SUPPORT_WITHOUT_LIST for participations started in `year`: the write path's rule (poor or
 * near-poor in the review year before the start) against the registry's reviews as they are now.
 */
export async function livelihoodsFindings(ctx: LivelihoodsContext, communes: string[] | null, year: number): Promise<DepartmentFinding[]> {
  const { from, to } = yearBounds(year);
  const participants = await repo.findParticipantsStartedBetween(ctx.db, communes, from, to);
  return grantedWithoutList(
    ctx.registry,
    communes,
    'livelihoods',
    participants.map((p) => ({ ...p, granted: p.start_date, kind: 'LivelihoodParticipation' })),
    (classification) => classification !== null && ELIGIBLE.has(classification),
  );
}
