import type { FigureCheck } from '../../../tests/figures/types.js';

// The social-insurance figures the city published. The lists in published-figures.json (the
// support groups, the other supports) are not numbers: the people check below requires every
// one of the three support groups to have people, and the other supports are the schema's record
// kinds. "Child health monitoring of poor children: 100%" has no field in the graph (no record
// of health monitoring is kept), so it has no check here.

const HEALTH_INSURANCE_2022_2024 =
  '{ city { socialFigures(from: "2022-01-01", to: "2024-12-31") { healthInsurance { people budget byGroup { group people budget } } } } }';

/**
 * Coverage of the poor and near-poor on the last day of `cardYear`: the first 100 poor and the
 * first 100 near-poor households of the lists in force (the review of `cardYear - 1`), every
 * member born by then, with their supported cards. The whole lists are paged through by the
 * generator's verification (each page is this query with `after`).
 */
function coveragePages(cardYear: number): string {
  const page = (
    classification: string,
  ) => `${classification.toLowerCase()}${cardYear}: households(filter: { year: ${cardYear - 1}, classification: ${classification} }, first: 100) {
      totalCount
      edges { node { id members { id birthYear } socialSupport { healthInsuranceCards { member { id } validFrom validTo supportGroup } } } }
    }`;
  return `${page('POOR')} ${page('NEAR_POOR')}`;
}

/** Covered members as a percentage of the members born by `date`'s year; null when there are none. */
export function coveragePercent(pages: any[], date: string): number | null {
  const year = Number(date.slice(0, 4));
  let members = 0;
  let covered = 0;
  for (const list of pages) {
    for (const { node } of list.edges) {
      const valid = new Set(
        node.socialSupport.healthInsuranceCards
          .filter((c: any) => c.validFrom <= date && c.validTo >= date && c.supportGroup !== 'MIDDLE_INCOME_AGRICULTURE')
          .map((c: any) => c.member.id),
      );
      for (const m of node.members) {
        if (m.birthYear > year) continue;
        members++;
        if (valid.has(m.id)) covered++;
      }
    }
  }
  return members ? (covered / members) * 100 : null;
}

export const figures: FigureCheck[] = [
  {
    key: 'social_insurance.health_insurance_support_2022_2024_people',
    period: '2022-01-01 to 2024-12-31',
    published: 179_000,
    compare: 'atLeast',
    query: HEALTH_INSURANCE_2022_2024,
    // Distinct people, provided all three support groups (poor, near-poor, middle-income farming) have some.
    extract: (d) => {
      const hi = d.city.socialFigures.healthInsurance;
      return hi.byGroup.filter((g: { people: number }) => g.people > 0).length === 3 ? hi.people : 0;
    },
  },
  {
    key: 'social_insurance.health_insurance_support_2022_2024_budget_vnd',
    period: '2022-01-01 to 2024-12-31',
    published: 137_800_000_000,
    compare: 'atLeast', // published as "more than"
    query: HEALTH_INSURANCE_2022_2024,
    extract: (d) => Number(d.city.socialFigures.healthInsurance.budget),
  },
  // 100% of poor and near-poor people covered: checked on the last day of each card year of the
  // period, over the first page of each list (the lowest of the three percentages counts).
  {
    key: 'social_insurance.health_insurance_coverage_poor_and_near_poor_percent',
    period: 'card years 2022, 2023 and 2024 (lists of the reviews 2021-2023), first 100 poor and 100 near-poor households of each',
    published: 100,
    compare: 'exact',
    query: `{ ${[2022, 2023, 2024].map(coveragePages).join(' ')} }`,
    extract: (d) => {
      const percents = [2022, 2023, 2024].map((y) => coveragePercent([d[`poor${y}`], d[`near_poor${y}`]], `${y}-12-31`) ?? 0);
      return Math.min(...percents);
    },
  },
];

figures.push({
  key: 'social_insurance.child_health_monitoring_poor_children_percent',
  period: '2022-2025, as reported',
  published: 100,
  compare: 'exact',
  query: '{ city { socialReportedStatistics { code value unit source } } }',
  extract: (d) => d.city.socialReportedStatistics.find((s: any) => s.code === 'child_health_monitoring_poor_children')?.value ?? NaN,
});
