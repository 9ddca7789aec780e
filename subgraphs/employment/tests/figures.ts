import type { FigureCheck } from '../../../tests/figures/types.js';

// The employment figures the city published for 2024, each read through the gateway: the
// placement, fair and training figures are counted from the records, the labour statistics are
// the reported figures as recorded.

const figures2024 = `{ city { employmentFigures(year: 2024) {
  workersPlaced budgetFundedPlacements jobFairHires jobFairHiresAbroad trainingEnrolments
} } }`;
const labour2024 = '{ city { labourStatistics(year: 2024) { urbanUnemploymentRatePercent trainedWorkerSharePercent basis } } }';
const YEAR = 'calendar year 2024 (1 January to 31 December 2024)';

export const figures: FigureCheck[] = [
  {
    key: 'employment.workers_given_jobs_2024',
    period: YEAR,
    published: 225_800,
    compare: 'atLeast',
    query: figures2024,
    extract: (d) => d.city.employmentFigures.workersPlaced,
  },
  {
    key: 'employment.workers_placed_with_budget_funds_2024',
    period: YEAR,
    published: 53_826,
    compare: 'exact',
    query: figures2024,
    extract: (d) => d.city.employmentFigures.budgetFundedPlacements,
  },
  {
    key: 'employment.job_fair_hires_2024',
    period: YEAR,
    published: 19_000,
    compare: 'atLeast',
    query: figures2024,
    extract: (d) => d.city.employmentFigures.jobFairHires,
  },
  {
    key: 'employment.job_fair_hires_sent_abroad_on_contract_2024',
    period: YEAR,
    published: 5_000,
    compare: 'atMost',
    // "almost 5,000": at most 5,000, and not less than 4,900.
    approxFloor: 4_900,
    query: figures2024,
    extract: (d) => d.city.employmentFigures.jobFairHiresAbroad,
  },
  {
    key: 'employment.urban_unemployment_rate_2024_percent',
    period: 'year 2024 (reported)',
    published: 2.54,
    compare: 'approx',
    // Published with 2 decimals.
    approxFloor: 2,
    query: labour2024,
    extract: (d) => d.city.labourStatistics.urbanUnemploymentRatePercent,
  },
  {
    key: 'employment.vocational_training_enrolments_2024',
    period: YEAR,
    published: 250_000,
    compare: 'exact',
    query: figures2024,
    extract: (d) => d.city.employmentFigures.trainingEnrolments,
  },
  {
    key: 'employment.trained_worker_share_2024_percent',
    period: 'year 2024 (reported)',
    published: 74.25,
    compare: 'approx',
    approxFloor: 2,
    query: labour2024,
    extract: (d) => d.city.labourStatistics.trainedWorkerSharePercent,
  },
];
