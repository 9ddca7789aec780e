import { money, type DepartmentBench, type OverviewShare, type ScorecardShare } from '../bench-kit.js';

// Housing's share of the dashboard's figure answers, for the benchmarks (subgraphs/bench-kit.ts):
// the fields the gateway asks of it, and the floor SQL computing them straight on its tables
// (housing keeps no rollups: the floor reads its cases, as its figures do).

type ScorecardValue = Record<string, { completed: number; supported: number }>;

const scorecard: ScorecardShare<ScorecardValue> = {
  fields: `housingFigures(from: $from, to: $to) { housesCompleted housesSupported }`,
  floor: ({ from, to }) => ({
    text: `
      SELECT coalesce(json_object_agg(commune_code, json_build_object('completed', completed, 'supported', supported)), '{}') AS value
      FROM (SELECT commune_code,
          count(*) FILTER (WHERE status = 'completed' AND completion_date BETWEEN $1::date AND $2::date)::int AS completed,
          count(*) FILTER (WHERE approval_date BETWEEN $1::date AND $2::date AND status <> 'cancelled')::int AS supported
        FROM housing.housing_case
        WHERE (status = 'completed' AND completion_date BETWEEN $1::date AND $2::date) OR approval_date BETWEEN $1::date AND $2::date
        GROUP BY commune_code) h`,
    values: [from, to],
  }),
  rows: (housing) => (code) => ({
    housingFigures: { housesCompleted: housing[code]?.completed ?? 0, housesSupported: housing[code]?.supported ?? 0 },
  }),
};

interface OverviewValue {
  counts: { completed: number; new: number; renovation: number; with_fund: number; supported: number };
  funding: number;
  mobilised: number;
}

const overview: OverviewShare<OverviewValue> = {
  fields: `housingFigures(from: $from, to: $to) { housesSupported housesCompleted newHousesCompleted renovationsCompleted totalFunding }
    fundForThePoor(from: $from, to: $to) { amountMobilised housesFunded }`,
  floor: ({ from, to }) => ({
    text: `
      SELECT json_build_object(
        'counts', (SELECT json_build_object(
            'completed', count(*) FILTER (WHERE status = 'completed' AND completion_date BETWEEN $1::date AND $2::date),
            'new', count(*) FILTER (WHERE status = 'completed' AND completion_date BETWEEN $1::date AND $2::date AND kind = 'new_house'),
            'renovation', count(*) FILTER (WHERE status = 'completed' AND completion_date BETWEEN $1::date AND $2::date AND kind = 'renovation'),
            'with_fund', count(*) FILTER (WHERE status = 'completed' AND completion_date BETWEEN $1::date AND $2::date
              AND EXISTS (SELECT 1 FROM housing.housing_funding_line l WHERE l.case_id = c.id AND l.source = 'fund_for_the_poor')),
            'supported', count(*) FILTER (WHERE approval_date BETWEEN $1::date AND $2::date AND status <> 'cancelled'))
          FROM housing.housing_case c),
        'funding', (SELECT coalesce(sum(l.amount), 0)::int8 FROM housing.housing_funding_line l JOIN housing.housing_case c ON c.id = l.case_id
          WHERE l.committed_on BETWEEN $1::date AND $2::date AND c.status <> 'cancelled'),
        'mobilised', (SELECT coalesce(sum(amount), 0)::int8 FROM housing.fund_contribution WHERE contribution_date BETWEEN $1::date AND $2::date)
      ) AS value`,
    values: [from, to],
  }),
  city: (housing) => ({
    housingFigures: {
      housesSupported: housing.counts.supported,
      housesCompleted: housing.counts.completed,
      newHousesCompleted: housing.counts.new,
      renovationsCompleted: housing.counts.renovation,
      totalFunding: money(housing.funding),
    },
    fundForThePoor: { amountMobilised: money(housing.mobilised), housesFunded: housing.counts.with_fund },
  }),
};

export const bench: DepartmentBench = { name: 'housing', scorecard, overview };
