import { city, label, num, YEAR_2024, type DepartmentDashboard } from '../dashboard-kit.js';

/**
 * The employment department's share of the dashboard: the city's published figures it answers
 * for, beside the graph's own numbers; its key figures in the city overview; its columns of the
 * commune table; its rows of a commune's figures per year. web/dashboard gathers every
 * department's, in the order of subgraphs/dashboards.ts. Browser code: no Node, kysely or pg imports.
 */
export const dashboard: DepartmentDashboard = {
  name: 'employment',
  figures: [
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
  ],
  overview: [
    { key: 'placements', params: { year: 'year' }, unit: 'count', value: (c) => c.employmentFigures?.workersPlaced },
    { key: 'enrolments', params: { year: 'year' }, unit: 'count', value: (c) => c.employmentFigures?.trainingEnrolments },
  ],
  communeColumns: [
    { key: 'placements', unit: 'count', value: (r) => r.employmentFigures?.placements },
    { key: 'enrolments', unit: 'count', value: (r) => r.employmentFigures?.trainingEnrolments },
  ],
  communeYears: [
    { key: 'placements', unit: 'count', value: (c, y) => c[`employment${y}`]?.placements },
    { key: 'enrolments', unit: 'count', value: (c, y) => c[`employment${y}`]?.trainingEnrolments },
  ],
};
