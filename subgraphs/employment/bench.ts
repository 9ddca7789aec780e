import { type DepartmentBench, type OverviewShare, type ScorecardShare } from '../bench-kit.js';

// Employment's share of the dashboard's figure answers, for the benchmarks
// (subgraphs/bench-kit.ts): the fields the gateway asks of it, and the floor SQL computing them
// straight on its tables.

type ScorecardValue = Record<string, { placements: number; enrolments: number }>;

const scorecard: ScorecardShare<ScorecardValue> = {
  fields: `employmentFigures(year: $year) { placements trainingEnrolments }`,
  // The rollups of the year: placements' commune totals (channel ''), enrolments summed over
  // levels (placementCounts, trainingCounts).
  floor: ({ year }) => ({
    text: `
      WITH p AS (SELECT commune_code, placements::int AS n FROM employment.employment_placement_rollup
          WHERE year = $1 AND commune_code <> '' AND channel = ''),
        t AS (SELECT commune_code, sum(enrolments)::int AS n FROM employment.employment_training_rollup
          WHERE year = $1 AND commune_code <> '' GROUP BY commune_code)
      SELECT coalesce(json_object_agg(coalesce(p.commune_code, t.commune_code),
        json_build_object('placements', coalesce(p.n, 0), 'enrolments', coalesce(t.n, 0))), '{}') AS value
      FROM p FULL JOIN t ON t.commune_code = p.commune_code`,
    values: [year],
  }),
  rows: (employment) => (code) => ({
    employmentFigures: { placements: employment[code]?.placements ?? 0, trainingEnrolments: employment[code]?.enrolments ?? 0 },
  }),
};

interface OverviewValue {
  workers: number;
  budget_funded: number;
  fairs: { hires: number; abroad: number };
  enrolments: number;
  statistics: { urban: number | string; trained: number | string; source: string } | null;
}

const overview: OverviewShare<OverviewValue> = {
  fields: `employmentFigures(year: $year) { workersPlaced budgetFundedPlacements jobFairHires jobFairHiresAbroad trainingEnrolments }
    labourStatistics(year: $year) { urbanUnemploymentRatePercent trainedWorkerSharePercent source }`,
  // The year's rollups, city rows (commune ''); the fairs and the statistics from their own
  // tables, as the graph reads them.
  floor: ({ year }) => ({
    text: `
      SELECT json_build_object(
        'workers', (SELECT coalesce(sum(workers), 0)::int FROM employment.employment_placement_rollup WHERE year = $3 AND commune_code = '' AND channel = ''),
        'budget_funded', (SELECT coalesce(sum(placements), 0)::int FROM employment.employment_placement_rollup
          WHERE year = $3 AND commune_code = '' AND channel = 'budget_funded_support'),
        'fairs', (SELECT json_build_object('hires', coalesce(sum(hires), 0), 'abroad', coalesce(sum(hires_abroad), 0))
          FROM employment.job_fair WHERE held_on BETWEEN $1::date AND $2::date),
        'enrolments', (SELECT coalesce(sum(enrolments), 0)::int FROM employment.employment_training_rollup WHERE year = $3 AND commune_code = ''),
        'statistics', (SELECT json_build_object('urban', urban_unemployment_rate_percent, 'trained', trained_worker_share_percent, 'source', source)
          FROM employment.labour_statistics WHERE year = $3 ORDER BY id DESC LIMIT 1)
      ) AS value`,
    // The year's first and last day, for the fairs (a date column).
    values: [`${year}-01-01`, `${year}-12-31`, year],
  }),
  city: (employment) => ({
    employmentFigures: {
      workersPlaced: employment.workers,
      budgetFundedPlacements: employment.budget_funded,
      jobFairHires: employment.fairs.hires,
      jobFairHiresAbroad: employment.fairs.abroad,
      trainingEnrolments: employment.enrolments,
    },
    labourStatistics: employment.statistics
      ? {
          urbanUnemploymentRatePercent: Number(employment.statistics.urban),
          trainedWorkerSharePercent: Number(employment.statistics.trained),
          source: employment.statistics.source,
        }
      : null,
  }),
};

export const bench: DepartmentBench = { name: 'employment', scorecard, overview };
