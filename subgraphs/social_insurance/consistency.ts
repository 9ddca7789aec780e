import { classificationVi, yearBounds, type DepartmentFinding } from '../../platform/consistency.js';
import type { SocialInsuranceContext } from './context.js';
import * as repo from './repository.js';
import { REQUIRED_CLASSIFICATION } from './resolvers/Mutation.js';

// The social-insurance subgraph's part of the consistency checks (platform/consistency.ts):
// its health-insurance cards against the registry's reviews and lists in force.

const INSURED_RULE = 'HEALTH_INSURANCE_DEPRIVED_WHILE_INSURED';
const LIST_RULE = 'SUPPORT_WITHOUT_LIST';
/** The review indicator the insured rule compares with the cards (the registry's code). */
const HEALTH_INSURANCE_INDICATOR = 'health_insurance';

export async function socialInsuranceFindings(ctx: SocialInsuranceContext, communes: string[] | null, year: number): Promise<DepartmentFinding[]> {
  const [insured, unlisted] = await Promise.all([deprivedWhileInsured(ctx, communes, year), cardsWithoutList(ctx, communes, year)]);
  return [...insured, ...unlisted];
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), row]);
  return map;
}

/**
 * HEALTH_INSURANCE_DEPRIVED_WHILE_INSURED: the registry gives the reviews of `year` deprived on
 * health insurance in these communes, with the households' members (one request); their cards
 * are then read in one statement and compared on each review's date.
 */
async function deprivedWhileInsured(ctx: SocialInsuranceContext, communes: string[] | null, year: number): Promise<DepartmentFinding[]> {
  const deprived = await ctx.registry.reviewsOfYear(communes, year, HEALTH_INSURANCE_INDICATOR);
  if (deprived.length === 0) return [];
  const { from, to } = yearBounds(year);
  const memberIds = deprived.flatMap((f) => f.members.map((m) => Number(m.id)));
  const cardsOf = groupBy(await repo.findCardsOverlapping(ctx.db, memberIds, from, to), (c) => String(c.member_id));
  return deprived.flatMap((f): DepartmentFinding[] => {
    const review = f.review;
    // Members born by the review's year (the registry records only the year of birth).
    const living = f.members.filter((m) => m.birthYear <= Number(review.reviewDate.slice(0, 4)));
    const valid = (m: { id: string }) => (cardsOf.get(m.id) ?? []).filter((c) => c.valid_from <= review.reviewDate && c.valid_to >= review.reviewDate);
    if (living.length === 0 || !living.every((m) => valid(m).length > 0)) return [];
    const cards = living.map((m) => valid(m)[0]!);
    return [
      {
        rule: INSURED_RULE,
        householdId: f.householdId,
        communeCode: f.communeCode,
        departments: ['registry', 'social_insurance'],
        records: [
          { department: 'registry', kind: 'PovertyReview', id: review.id },
          ...cards.map((c) => ({ department: 'social_insurance' as const, kind: 'HealthInsuranceSupport', id: String(c.id) })),
        ],
        detail: `review of ${review.reviewDate} deprived on health insurance; ${living.length} of ${living.length} members hold a valid card that day`,
        detailVi: `rà soát ngày ${review.reviewDate} ghi thiếu hụt bảo hiểm y tế; ${living.length}/${living.length} thành viên có thẻ BHYT còn hạn ngày đó`,
      },
    ];
  });
}

/**
 * SUPPORT_WITHOUT_LIST for cards of card year `year`: the write path's rule (each support group
 * needs its classification in the review year before the card's year) against the registry's
 * reviews as they are now. One finding per household, naming its cards.
 */
async function cardsWithoutList(ctx: SocialInsuranceContext, communes: string[] | null, year: number): Promise<DepartmentFinding[]> {
  const cards = await repo.findCardsOfYear(ctx.db, communes, year);
  if (cards.length === 0) return [];
  const listYear = year - 1;
  const households = await ctx.registry.classifications(
    communes,
    [listYear],
    cards.map((c) => String(c.household_id)),
  );
  const wrong = cards.filter((c) => {
    const household = households.get(String(c.household_id));
    return household && household.classificationByYear[listYear] !== REQUIRED_CLASSIFICATION[c.support_group];
  });
  return [...groupBy(wrong, (c) => String(c.household_id))].map(([householdId, held]) => {
    const classified = households.get(householdId)!.classificationByYear[listYear] ?? null;
    const groups = [...new Set(held.map((c) => c.support_group.toUpperCase()))].join(', ');
    return {
      rule: LIST_RULE,
      householdId,
      communeCode: held[0]!.commune_code,
      departments: ['registry', 'social_insurance'],
      records: held.map((c) => ({ department: 'social_insurance' as const, kind: 'HealthInsuranceSupport', id: String(c.id) })),
      detail: `${held.length} card(s) of ${year} in group ${groups}; review ${listYear}: ${classified ?? 'not reviewed'}`,
      detailVi: `${held.length} thẻ năm ${year} thuộc nhóm ${groups}; rà soát năm ${listYear}: ${classificationVi(classified)}`,
    };
  });
}
