import type { PublishedFiguresQuery } from '../../schema/operations/types.generated.js';
import { city, difference, label, num, YEARS_2021_2024, type DepartmentDashboard } from '../dashboard-kit.js';

function byProgramme(d: PublishedFiguresQuery, codes: string[], field: 'loans' | 'borrowingHouseholds'): number | null {
  const counts = city(d)
    .credit?.byProgramme.filter((p) => codes.includes(p.programme.code))
    .map((p) => p[field]);
  // A withheld count (null, for callers without exact counts) makes the sum unknown, not smaller.
  return counts && !counts.includes(null) ? counts.reduce<number>((sum, n) => sum + Number(n), 0) : null;
}

/**
 * The credit department's share of the dashboard: the city's published figures it answers
 * for, beside the graph's own numbers; its key figures in the city overview; its columns of the
 * commune table; its rows of a commune's figures per year. web/dashboard gathers every
 * department's, in the order of subgraphs/dashboards.ts. Browser code: no Node, kysely or pg imports.
 */
export const dashboard: DepartmentDashboard = {
  name: 'credit',
  figures: [
    {
      key: 'credit.city_budget_capital_entrusted_to_vbsp_vnd',
      label: label('capitalEntrusted'),
      period: { kind: 'budgetYears', from: 2021, to: 2024 },
      published: 8_718_000_000_000,
      sign: '=',
      unit: 'vnd',
      value: (d) => num(city(d)?.capitalEntrusted?.total),
    },
    {
      key: 'credit.disbursed_2021_2024_vnd',
      label: label('creditDisbursed'),
      period: YEARS_2021_2024,
      published: 23_243_000_000_000,
      sign: '≥',
      unit: 'vnd',
      value: (d) => num(city(d)?.credit?.amountDisbursed),
    },
    {
      key: 'credit.borrowing_households_2021_2024',
      label: label('borrowingHouseholds'),
      period: YEARS_2021_2024,
      published: 458_575,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.credit?.borrowingHouseholds),
    },
    {
      key: 'credit.outstanding_end_of_2024_vnd',
      label: label('creditOutstanding'),
      period: { kind: 'on', date: '2024-12-31' },
      published: 16_567_000_000_000,
      sign: '=',
      unit: 'vnd',
      value: (d) => num(city(d)?.outstanding2024?.outstanding),
    },
    {
      key: 'credit.outstanding_increase_vs_end_of_2020_vnd',
      label: label('outstandingIncrease'),
      period: { kind: 'between', from: '2020-12-31', to: '2024-12-31' },
      published: 6_401_000_000_000,
      sign: '=',
      unit: 'vnd',
      value: (d) => difference(city(d)?.outstanding2024?.outstanding, city(d)?.outstanding2020?.outstanding),
    },
    {
      key: 'credit.production_loans_to_poor_near_poor_newly_escaped_households',
      label: label('productionLoans'),
      period: YEARS_2021_2024,
      published: 4_001,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.credit?.production),
    },
    {
      key: 'credit.jobs_created_by_loans',
      label: label('jobsCreated'),
      period: YEARS_2021_2024,
      published: 208_000,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.credit?.jobsCreated),
    },
    {
      key: 'credit.households_with_clean_water_and_sanitation_loans',
      label: label('cleanWaterHouseholds'),
      period: YEARS_2021_2024,
      published: 118_500,
      sign: '≥',
      unit: 'count',
      value: (d) => byProgramme(d, ['CLEAN_WATER_SANITATION'], 'borrowingHouseholds'),
    },
  ],
  overview: [
    { key: 'disbursed', unit: 'vnd', value: (c) => c.creditFigures?.amountDisbursed },
    { key: 'outstanding', params: { date: 'asOf' }, unit: 'vnd', value: (c) => c.creditOutstanding?.outstanding },
  ],
  communeColumns: [
    { key: 'disbursed', unit: 'vnd', value: (r) => r.creditFigures?.amountDisbursed },
    { key: 'borrowers', unit: 'count', value: (r) => r.creditFigures?.borrowingHouseholds },
    { key: 'outstanding', unit: 'vnd', value: (r) => r.creditOutstanding?.outstanding },
  ],
  communeYears: [
    { key: 'creditDisbursed', unit: 'vnd', value: (c, y) => c[`credit${y}`]?.amountDisbursed },
    { key: 'borrowingHouseholds', unit: 'count', value: (c, y) => c[`credit${y}`]?.borrowingHouseholds },
    { key: 'outstanding', unit: 'vnd', value: (c, y) => c[`outstanding${y}`]?.outstanding },
  ],
};
