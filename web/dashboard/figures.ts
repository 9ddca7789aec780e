/**
 * The city's published figures (tests/figures/published-figures.json) beside the graph's own
 * numbers, read from one operation (schema/operations/published-figures.graphql) by the same
 * fields and periods as the figure checks in tests/figures/*.ts; a browser test keeps
 * `published` equal to the JSON and the shown values equal to what those checks get from the
 * graph. No DOM and no words here (the test imports this file): each figure names its text by
 * a key of web/locales/*.json, and its period as data, formatted for the chosen language.
 */

import type { PublishedFiguresQuery } from '../../schema/operations/types.generated.js';

/** A figure's period: what the published number covers. */
export type FigurePeriod =
  | { kind: 'since' | 'on'; date: string }
  | { kind: 'review' | 'year'; year: number }
  | { kind: 'years' | 'budgetYears'; from: number; to: number }
  | { kind: 'between'; from: string; to: string };

export interface DashboardFigure {
  /** The JSON path in published-figures.json. */
  key: string;
  /** Its name: a key under `figure.` in web/locales, with any placeholders. */
  label: { key: string; params?: Record<string, string | number> };
  period: FigurePeriod;
  /** The published number ("more than 3600" is 3600 with sign ≥). */
  published: number;
  sign: '=' | '≥' | '≤' | '≈';
  unit: 'count' | 'vnd' | 'percent';
  /** The graph's number; null when the query did not give it. */
  value: (data: PublishedFiguresQuery) => number | null;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const city = (d: PublishedFiguresQuery) => d.city;
function byProgramme(d: PublishedFiguresQuery, codes: string[], field: 'loans' | 'borrowingHouseholds'): number | null {
  const counts = city(d)
    .credit?.byProgramme.filter((p) => codes.includes(p.programme.code))
    .map((p) => p[field]);
  // A withheld count (null, for callers without exact counts) makes the sum unknown, not smaller.
  return counts && !counts.includes(null) ? counts.reduce<number>((sum, n) => sum + Number(n), 0) : null;
}
function difference(a: unknown, b: unknown): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : Number(a) - Number(b);
}

const review = (year: 2022 | 2023 | 2024) => `review${year}` as const;
const label = (key: string, params?: Record<string, string | number>) => ({ key: `figure.${key}`, ...(params ? { params } : {}) });
const SINCE_JULY_2025: FigurePeriod = { kind: 'since', date: '2025-07-01' };
const YEARS_2021_2024: FigurePeriod = { kind: 'years', from: 2021, to: 2024 };
const YEARS_2022_2024: FigurePeriod = { kind: 'years', from: 2022, to: 2024 };
const YEAR_2024: FigurePeriod = { kind: 'year', year: 2024 };

export const FIGURES: DashboardFigure[] = [
  // registry
  {
    key: 'registry.communes_after_july_2025',
    label: label('communes'),
    period: SINCE_JULY_2025,
    published: 126,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.communeCount),
  },
  { key: 'registry.wards', label: label('wards'), period: SINCE_JULY_2025, published: 51, sign: '=', unit: 'count', value: (d) => num(city(d)?.wardCount) },
  {
    key: 'registry.rural_communes',
    label: label('ruralCommunes'),
    period: SINCE_JULY_2025,
    published: 75,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.ruralCommuneCount),
  },
  {
    key: 'registry.communes_with_no_poor_and_no_near_poor_households_after_july_2025',
    label: label('communesWithNoPoorOrNearPoor'),
    period: { kind: 'on', date: '2025-09-30' },
    published: 43,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.september2025?.communesWithNoPoorOrNearPoor),
  },
  {
    key: 'registry.poor_households_start_of_2022',
    label: label('poorStart2022'),
    period: { kind: 'on', date: '2022-01-01' },
    published: 3600,
    sign: '≥',
    unit: 'count',
    value: (d) => num(city(d)?.start2022?.poor),
  },
  ...([2022, 2023, 2024] as const).flatMap((year): DashboardFigure[] => [
    {
      key: `registry.poor_households_by_review_year.${year}`,
      label: label('poorReview', { year }),
      period: { kind: 'review', year },
      published: { 2022: 2134, 2023: 690, 2024: 0 }[year as 2022],
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.[review(year)]?.poor),
    },
    {
      key: `registry.poor_household_rate_by_review_year_percent.${year}`,
      label: label('poorRateReview', { year }),
      period: { kind: 'review', year },
      published: { 2022: 0.095, 2023: 0.03, 2024: 0 }[year as 2022],
      sign: '≈',
      unit: 'percent',
      value: (d) => num(city(d)?.[review(year)]?.poorRatePercent),
    },
  ]),
  {
    key: 'registry.near_poor_households_end_of_2024',
    label: label('nearPoorEnd2024'),
    period: { kind: 'review', year: 2024 },
    published: 9928,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.review2024?.nearPoor),
  },
  {
    key: 'registry.near_poor_household_rate_end_of_2024_percent',
    label: label('nearPoorRateEnd2024'),
    period: { kind: 'review', year: 2024 },
    published: 0.43,
    sign: '≈',
    unit: 'percent',
    value: (d) => num(city(d)?.review2024?.nearPoorRatePercent),
  },
  {
    key: 'registry.near_poor_households_reduced_between_review_2024_and_september_2025',
    label: label('nearPoorReduced'),
    period: { kind: 'between', from: '2024-12-31', to: '2025-09-30' },
    published: 103,
    sign: '=',
    unit: 'count',
    value: (d) => difference(city(d)?.end2024?.nearPoor, city(d)?.september2025?.nearPoor),
  },
  // credit
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
  // social insurance
  {
    key: 'social_insurance.health_insurance_support_2022_2024_people',
    label: label('healthInsurancePeople'),
    period: YEARS_2022_2024,
    published: 179_000,
    sign: '≥',
    unit: 'count',
    value: (d) => num(city(d)?.social?.healthInsurance?.people),
  },
  {
    key: 'social_insurance.health_insurance_support_2022_2024_budget_vnd',
    label: label('healthInsuranceBudget'),
    period: YEARS_2022_2024,
    published: 137_800_000_000,
    sign: '≥',
    unit: 'vnd',
    value: (d) => num(city(d)?.social?.healthInsurance?.budget),
  },
  // housing
  {
    key: 'housing.houses_completed_2024',
    label: label('housesCompleted'),
    period: YEAR_2024,
    published: 714,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.housing2024?.housesCompleted),
  },
  {
    key: 'housing.houses_supported_2022_2024',
    label: label('housesSupported'),
    period: YEARS_2022_2024,
    published: 3520,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.housing2022to2024?.housesSupported),
  },
  {
    key: 'housing.fund_for_the_poor_mobilised_2021_2024_vnd',
    label: label('fundMobilised'),
    period: YEARS_2021_2024,
    published: 153_000_000_000,
    sign: '≥',
    unit: 'vnd',
    value: (d) => num(city(d)?.fundForThePoor?.amountMobilised),
  },
  {
    key: 'housing.fund_for_the_poor_houses_built_or_renovated_2021_2024',
    label: label('fundHouses'),
    period: YEARS_2021_2024,
    published: 1800,
    sign: '≥',
    unit: 'count',
    value: (d) => num(city(d)?.fundForThePoor?.housesFunded),
  },
  // employment
  {
    key: 'employment.workers_given_jobs_2024',
    label: label('workersGivenJobs'),
    period: YEAR_2024,
    published: 225_800,
    sign: '≥',
    unit: 'count',
    value: (d) => num(city(d)?.employmentFigures?.workersPlaced),
  },
  {
    key: 'employment.workers_placed_with_budget_funds_2024',
    label: label('budgetFundedPlacements'),
    period: YEAR_2024,
    published: 53_826,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.employmentFigures?.budgetFundedPlacements),
  },
  {
    key: 'employment.job_fair_hires_2024',
    label: label('jobFairHires'),
    period: YEAR_2024,
    published: 19_000,
    sign: '≥',
    unit: 'count',
    value: (d) => num(city(d)?.employmentFigures?.jobFairHires),
  },
  {
    key: 'employment.job_fair_hires_sent_abroad_on_contract_2024',
    label: label('jobFairHiresAbroad'),
    period: YEAR_2024,
    published: 5_000,
    sign: '≤',
    unit: 'count',
    value: (d) => num(city(d)?.employmentFigures?.jobFairHiresAbroad),
  },
  {
    key: 'employment.urban_unemployment_rate_2024_percent',
    label: label('urbanUnemployment'),
    period: YEAR_2024,
    published: 2.54,
    sign: '≈',
    unit: 'percent',
    value: (d) => num(city(d)?.labourStatistics?.urbanUnemploymentRatePercent),
  },
  {
    key: 'employment.vocational_training_enrolments_2024',
    label: label('trainingEnrolments'),
    period: YEAR_2024,
    published: 250_000,
    sign: '=',
    unit: 'count',
    value: (d) => num(city(d)?.employmentFigures?.trainingEnrolments),
  },
  {
    key: 'employment.trained_worker_share_2024_percent',
    label: label('trainedWorkerShare'),
    period: YEAR_2024,
    published: 74.25,
    sign: '≈',
    unit: 'percent',
    value: (d) => num(city(d)?.labourStatistics?.trainedWorkerSharePercent),
  },
  // livelihoods
  {
    key: 'livelihoods.livelihood_diversification_project_budget_vnd',
    label: label('livelihoodBudget'),
    period: { kind: 'years', from: 2022, to: 2025 },
    published: 49_400_000_000,
    sign: '≥',
    unit: 'vnd',
    value: (d) => num(d?.livelihoodProject?.budget),
  },
  {
    key: 'livelihoods.livelihood_diversification_households',
    label: label('livelihoodHouseholds'),
    period: { kind: 'years', from: 2022, to: 2025 },
    published: 510,
    sign: '≥',
    unit: 'count',
    value: (d) => num(d?.livelihoodProject?.totals?.households),
  },
  {
    key: 'livelihoods.high_tech_agriculture_models',
    label: label('highTechModels'),
    period: { kind: 'years', from: 2021, to: 2025 },
    published: 200,
    sign: '≥',
    unit: 'count',
    value: (d) => num(city(d)?.livelihoodFigures?.highTechModels?.count),
  },
];
