import type { FigureCheck } from '../../../tests/figures/types.js';

const PERIOD = '2021-01-01 to 2024-12-31';
const PRODUCTION = ['POOR_HOUSEHOLDS', 'NEAR_POOR_HOUSEHOLDS', 'NEWLY_ESCAPED_POVERTY'];
const lending = `{ city { creditFigures(from: "2021-01-01", to: "2024-12-31") {
  amountDisbursed borrowingHouseholds jobsCreated
  production: borrowingHouseholdsUnder(programmes: ${JSON.stringify(PRODUCTION)})
  byProgramme { programme { code } loans borrowingHouseholds } } } }`;
const balances = `{ city {
  end2020: creditOutstanding(asOf: "2020-12-31") { outstanding }
  end2024: creditOutstanding(asOf: "2024-12-31") { outstanding } } }`;
const byProgramme = (d: any, codes: string[], field: 'loans' | 'borrowingHouseholds'): number =>
  d.city.creditFigures.byProgramme.filter((p: any) => codes.includes(p.programme.code)).reduce((sum: number, p: any) => sum + Number(p[field]), 0);

export const figures: FigureCheck[] = [
  {
    key: 'credit.city_budget_capital_entrusted_to_vbsp_vnd',
    period: 'budget years 2021-2024',
    published: 8_718_000_000_000,
    compare: 'exact',
    query: '{ city { capitalEntrusted(fromYear: 2021, toYear: 2024) { total } } }',
    extract: (d) => Number(d.city.capitalEntrusted.total),
  },
  {
    key: 'credit.disbursed_2021_2024_vnd',
    period: PERIOD,
    published: 23_243_000_000_000,
    compare: 'atLeast', // published as "more than"
    query: lending,
    extract: (d) => Number(d.city.creditFigures.amountDisbursed),
  },
  {
    key: 'credit.borrowing_households_2021_2024',
    period: PERIOD,
    published: 458_575,
    compare: 'exact',
    query: lending,
    extract: (d) => d.city.creditFigures.borrowingHouseholds,
  },
  {
    key: 'credit.outstanding_end_of_2024_vnd',
    period: 'on 31 December 2024',
    published: 16_567_000_000_000,
    compare: 'exact',
    query: balances,
    extract: (d) => Number(d.city.end2024.outstanding),
  },
  {
    key: 'credit.outstanding_increase_vs_end_of_2020_vnd',
    period: '31 December 2020 to 31 December 2024',
    published: 6_401_000_000_000,
    compare: 'exact',
    query: balances,
    extract: (d) => Number(d.city.end2024.outstanding) - Number(d.city.end2020.outstanding),
  },
  {
    key: 'credit.production_loans_to_poor_near_poor_newly_escaped_households',
    period: PERIOD,
    published: 4_001,
    compare: 'exact',
    query: lending,
    // Households, each once across the three programmes (summing the programmes' counts would
    // count a household that borrowed under two of them twice).
    extract: (d) => d.city.creditFigures.production,
  },
  {
    key: 'credit.jobs_created_by_loans',
    period: PERIOD,
    published: 208_000,
    compare: 'exact',
    query: lending,
    extract: (d) => d.city.creditFigures.jobsCreated,
  },
  {
    key: 'credit.households_with_clean_water_and_sanitation_loans',
    period: PERIOD,
    published: 118_500,
    compare: 'atLeast',
    query: lending,
    extract: (d) => byProgramme(d, ['CLEAN_WATER_SANITATION'], 'borrowingHouseholds'),
  },
];
