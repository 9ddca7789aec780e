import { required } from '../../../platform/batch.js';
import type { LivelihoodsContext } from '../context.js';
import type { LivelihoodParticipationParent } from './parents.js';
import type { LivelihoodParticipationResolvers } from './types.generated.js';

async function inKindValue(p: LivelihoodParticipationParent, ctx: LivelihoodsContext): Promise<number> {
  const items = await ctx.loaders.itemsByParticipant.load(p.id);
  return items.reduce((sum, i) => sum + i.value, 0);
}

export const LivelihoodParticipation: LivelihoodParticipationResolvers = {
  id: (p) => String(p.id),
  household: (p) => ({ id: String(p.household_id) }),
  commune: (p) => ({ code: p.commune_code }),
  project: async (p, _, ctx) => required(await ctx.loaders.projectByCode.load(p.project_code), `livelihood project ${p.project_code}`),
  inKindSupport: (p, _, ctx) => ctx.loaders.itemsByParticipant.load(p.id),
  inKindValue: (p, _, ctx) => inKindValue(p, ctx),
  cashSupport: (p) => p.cash_support,
  supportValue: async (p, _, ctx) => p.cash_support + (await inKindValue(p, ctx)),
  startDate: (p) => p.start_date,
};
