import type { LivelihoodsContext } from '../context.js';
import type { LivelihoodParticipant as ParticipantRow } from '../db/tables.js';

async function inKindValue(p: ParticipantRow, ctx: LivelihoodsContext): Promise<number> {
  const items = await ctx.loaders.itemsByParticipant.load(p.id);
  return items.reduce((sum, i) => sum + i.value, 0);
}

export const LivelihoodParticipation = {
  id: (p: ParticipantRow) => String(p.id),
  household: (p: ParticipantRow) => ({ id: String(p.household_id) }),
  commune: (p: ParticipantRow) => ({ code: p.commune_code }),
  project: (p: ParticipantRow, _: unknown, ctx: LivelihoodsContext) => ctx.loaders.projectByCode.load(p.project_code),
  inKindSupport: (p: ParticipantRow, _: unknown, ctx: LivelihoodsContext) => ctx.loaders.itemsByParticipant.load(p.id),
  inKindValue: (p: ParticipantRow, _: unknown, ctx: LivelihoodsContext) => inKindValue(p, ctx),
  cashSupport: (p: ParticipantRow) => p.cash_support,
  supportValue: async (p: ParticipantRow, _: unknown, ctx: LivelihoodsContext) => p.cash_support + (await inKindValue(p, ctx)),
  startDate: (p: ParticipantRow) => p.start_date,
};
