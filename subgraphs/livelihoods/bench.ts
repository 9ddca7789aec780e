import { money, type DepartmentBench, type OverviewShare, type ScorecardShare } from '../bench-kit.js';

// Livelihoods' share of the dashboard's figure answers, for the benchmarks
// (subgraphs/bench-kit.ts): the fields the gateway asks of it, and the floor SQL computing them
// straight on its tables (it keeps no rollups: the floor reads its participants, as its figures do).

type ScorecardValue = Record<string, { households: number; value: number }>;

const scorecard: ScorecardShare<ScorecardValue> = {
  fields: `livelihoodFigures(from: $from, to: $to) { householdsSupported supportValue }`,
  floor: ({ from, to }) => ({
    text: `
      SELECT coalesce(json_object_agg(commune_code, json_build_object('households', households, 'value', value)), '{}') AS value
      FROM (SELECT p.commune_code, count(DISTINCT p.household_id)::int AS households,
          sum(p.cash_support + (SELECT coalesce(sum(i.value), 0) FROM livelihoods.livelihood_support_item i WHERE i.participant_id = p.id))::int8 AS value
        FROM livelihoods.livelihood_participant p
        WHERE p.start_date BETWEEN $1::date AND $2::date GROUP BY p.commune_code) l`,
    values: [from, to],
  }),
  rows: (livelihoods) => (code) => ({
    livelihoodFigures: { householdsSupported: livelihoods[code]?.households ?? 0, supportValue: money(livelihoods[code]?.value) },
  }),
};

interface OverviewValue {
  households: number;
  value: number;
  models: number;
}

const overview: OverviewShare<OverviewValue> = {
  fields: `livelihoodFigures(from: $from, to: $to) { householdsSupported supportValue highTechModels { count } }`,
  floor: ({ from, to }) => ({
    text: `
      SELECT json_build_object(
        'households', (SELECT count(DISTINCT household_id) FROM livelihoods.livelihood_participant WHERE start_date BETWEEN $1::date AND $2::date),
        'value', (SELECT coalesce(sum(p.cash_support + (SELECT coalesce(sum(i.value), 0) FROM livelihoods.livelihood_support_item i WHERE i.participant_id = p.id)), 0)::int8
          FROM livelihoods.livelihood_participant p WHERE p.start_date BETWEEN $1::date AND $2::date),
        'models', (SELECT count(*) FROM livelihoods.livelihood_high_tech_model WHERE started_on BETWEEN $1::date AND $2::date)
      ) AS value`,
    values: [from, to],
  }),
  city: (livelihoods) => ({
    livelihoodFigures: {
      householdsSupported: livelihoods.households,
      supportValue: money(livelihoods.value),
      highTechModels: { count: livelihoods.models },
    },
  }),
};

export const bench: DepartmentBench = { name: 'livelihoods', scorecard, overview };
