import { auditTrail } from '../../../platform/audit.js';
import { badInput } from '../../../platform/errors.js';
import type { HealthInsuranceSupport } from '../db/tables.js';
import * as repo from '../repository.js';
import type { QueryResolvers } from './types.generated.js';

export const MAX_COVERAGE_HOUSEHOLDS = 5000;

export const Query: QueryResolvers = {
  healthInsuranceCoverage: async (_, { householdIds, date }, ctx) => {
    if (householdIds.length > MAX_COVERAGE_HOUSEHOLDS) {
      throw badInput('householdIds', `at most ${MAX_COVERAGE_HOUSEHOLDS} households at once, got ${householdIds.length}`);
    }
    // The registry lists each household's members (batched, 500 households per request): those
    // born by the date's year, since a person not yet born is neither covered nor uncovered.
    const members = await ctx.registry.householdMembers(householdIds, { bornBy: Number(date.slice(0, 4)) });
    householdIds.forEach((id, i) => {
      if (!members.has(id)) throw badInput(`householdIds[${i}]`, `unknown household "${id}"`);
    });
    // Households asked for by id: one outside a commune-scoped viewer's communes is refused
    // exactly as an unknown one, so that the refusal confirms nothing. The gate is the
    // household's commune now (the registry's), since coverage is about the household as it is;
    // asked only for such viewers, so that everyone else costs no second registry request.
    if (ctx.auth.communeScope) {
      const households = await ctx.registry.households(householdIds);
      householdIds.forEach((id, i) => {
        const household = households.get(id);
        // Outside the caseworker's communes, refused exactly as an unknown household.
        if (!household || !ctx.auth.canSeeCommune(household.communeCode)) throw badInput(`householdIds[${i}]`, `unknown household "${id}"`);
      });
    }
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

  socialInsuranceAuditTrail: (_, args, ctx) => auditTrail(ctx.db, args),
};
