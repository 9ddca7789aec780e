import { badInput } from '../../common/errors.js';
import type { SocialInsuranceContext } from '../context.js';
import type { HealthInsuranceSupport } from '../db/tables.js';
import * as repo from '../repository.js';

export const MAX_COVERAGE_HOUSEHOLDS = 5000;

export const Query = {
  healthInsuranceCoverage: async (
    _: unknown,
    { householdIds, date }: { householdIds: string[]; date: string },
    ctx: SocialInsuranceContext,
  ) => {
    if (householdIds.length > MAX_COVERAGE_HOUSEHOLDS) {
      throw badInput('householdIds', `at most ${MAX_COVERAGE_HOUSEHOLDS} households at once, got ${householdIds.length}`);
    }
    // The registry lists each household's members (batched, 500 households per request).
    const members = await ctx.registry.householdMembers(householdIds);
    householdIds.forEach((id, i) => {
      if (!members.has(id)) throw badInput(`householdIds[${i}]`, `unknown household "${id}"`);
    });
    const memberIds = [...new Set([...members.values()].flat())].map(Number);
    const cards = memberIds.length ? await repo.findValidCards(ctx.db, memberIds, date) : [];
    const cardsOf = new Map<string, HealthInsuranceSupport[]>();
    for (const card of cards) {
      const key = String(card.member_id);
      cardsOf.set(key, [...(cardsOf.get(key) ?? []), card]);
    }
    return householdIds.map((id) => {
      const ids = members.get(id)!;
      const covered = ids.filter((m) => cardsOf.has(m));
      return {
        household: { id },
        date,
        memberCount: ids.length,
        coveredMembers: covered.map((m) => ({ id: m })),
        uncoveredMembers: ids.filter((m) => !cardsOf.has(m)).map((m) => ({ id: m })),
        cards: covered.flatMap((m) => cardsOf.get(m)!),
        coveragePercent: ids.length ? (covered.length / ids.length) * 100 : null,
      };
    });
  },
};
