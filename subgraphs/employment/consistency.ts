import { addDays, numberParameter, yearBounds, type DepartmentFinding } from '../../platform/consistency.js';
import type { EmploymentContext } from './context.js';

import * as repo from './repository.js';

// The employment subgraph's part of the consistency checks (platform/consistency.ts):
// the wages of its job placements against the income the registry's review recorded.

const WAGE_RULE = 'INCOME_FAR_BELOW_WAGES';

type Placement = Awaited<ReturnType<typeof repo.findPlacementsOfHouseholds>>[number];

/**
 * INCOME_FAR_BELOW_WAGES for the reviews of `year`: the registry gives the reviews of the year in
 * these communes with the households' members (one request); then the placements of those
 * households that can fall in a review's window (one statement; only reviewed households, a
 * small share of those placed). For each review, each member's latest placement within the
 * window before the review date counts with its monthly wage; their sum over the members living
 * then is the wage per person.
 */
export async function employmentFindings(ctx: EmploymentContext, communes: string[] | null, year: number): Promise<DepartmentFinding[]> {
  const share = numberParameter(WAGE_RULE, 'maxIncomeShareOfWages');
  const window = numberParameter(WAGE_RULE, 'placementWindowDays');
  const { from, to } = yearBounds(year);
  const facts = new Map((await ctx.registry.reviewsOfYear(communes, year)).map((f) => [f.householdId, f]));
  if (facts.size === 0) return [];
  const placements = await repo.findPlacementsOfHouseholds(ctx.db, [...facts.keys()].map(Number), addDays(from, -window), to);
  const byHousehold = new Map<string, Placement[]>();
  for (const p of placements) {
    const list = byHousehold.get(String(p.household_id));
    if (list) list.push(p);
    else byHousehold.set(String(p.household_id), [p]);
  }
  const findings: DepartmentFinding[] = [];
  for (const [householdId, held] of byHousehold) {
    const fact = facts.get(householdId)!;
    const review = fact.review;
    const earliest = addDays(review.reviewDate, -window);
    const latestByMember = new Map<number, Placement>();
    for (const p of held) {
      if (p.placed_on < earliest || p.placed_on > review.reviewDate) continue;
      const seen = latestByMember.get(p.member_id);
      if (!seen || p.placed_on > seen.placed_on || (p.placed_on === seen.placed_on && p.id > seen.id)) latestByMember.set(p.member_id, p);
    }
    if (latestByMember.size === 0) continue;
    const reviewYear = Number(review.reviewDate.slice(0, 4));
    const living = fact.members.filter((m) => m.birthYear <= reviewYear).length || 1;
    const counted = [...latestByMember.values()];
    const wagePerPerson = counted.reduce((sum, p) => sum + p.monthly_wage, 0) / living;
    if (review.incomePerPersonMonthly >= share * wagePerPerson) continue;
    findings.push({
      rule: WAGE_RULE,
      householdId,
      communeCode: fact.communeCode,
      departments: ['registry', 'employment'],
      records: [
        { department: 'registry', kind: 'PovertyReview', id: review.id },
        ...counted.map((p) => ({ department: 'employment' as const, kind: 'JobPlacement', id: String(p.id) })),
      ],
      detail: `review of ${review.reviewDate}: ${review.incomePerPersonMonthly} đồng a person a month; placements: ${Math.round(wagePerPerson)} đồng a person a month over ${living} members`,
      detailVi: `rà soát ngày ${review.reviewDate}: ${review.incomePerPersonMonthly} đồng/người/tháng; việc làm được giới thiệu: ${Math.round(wagePerPerson)} đồng/người/tháng chia cho ${living} thành viên`,
    });
  }
  return findings;
}
