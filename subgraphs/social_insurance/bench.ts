import { money, rollupRuns, segments, type DepartmentBench, type OverviewShare, type ScorecardShare } from '../bench-kit.js';

// Social insurance's share of the dashboard's figure answers, for the benchmarks
// (subgraphs/bench-kit.ts): the fields the gateway asks of it, and the floor SQL computing them
// straight on its tables.

type ScorecardValue = Record<string, { people: number; budget: number }>;

const scorecard: ScorecardShare<ScorecardValue> = {
  fields: `socialFigures(from: $from, to: $to) { healthInsurance { people budget } }`,
  // health_insurance_rollup's commune totals (group ''): the budget granted in the period; people
  // whose cover started by `to` less stopped by `from`, less those in a gap of cover throughout
  // (health_insurance_gap, commune bit 2) (healthInsuranceFigures).
  floor: (v) => {
    const { period, upToTo, upToFrom } = rollupRuns(v);
    return {
      text: `
        WITH flows AS (
          SELECT commune_code,
            coalesce(sum(budget) FILTER (WHERE ${segments(period)}), 0) AS budget,
            coalesce(sum(people_started) FILTER (WHERE ${segments(upToTo)}), 0)
              - coalesce(sum(people_stopped) FILTER (WHERE ${segments(upToFrom)}), 0) AS people
          FROM social_insurance.health_insurance_rollup
          WHERE (${segments([...period, ...upToTo, ...upToFrom])}) AND commune_code <> '' AND support_group = ''
          GROUP BY commune_code),
        covering AS (
          SELECT commune_code, count(*) AS people FROM social_insurance.health_insurance_gap
          WHERE gap @> daterange($1::date, $2::date, '[]') AND areas & 2 <> 0
          GROUP BY commune_code)
        SELECT coalesce(json_object_agg(f.commune_code, json_build_object('people', (f.people - coalesce(c.people, 0))::int,
            'budget', f.budget::int8)), '{}') AS value
        FROM flows f LEFT JOIN covering c ON c.commune_code = f.commune_code`,
      values: [v.from, v.to],
    };
  },
  rows: (social) => (code) => ({
    socialFigures: { healthInsurance: { people: social[code]?.people ?? 0, budget: money(social[code]?.budget) } },
  }),
};

interface OverviewValue {
  people: number;
  budget: number;
  allowances: { recipients: number; amount: number | null } | null;
  relief_events: number;
}

/** Months since year 0 (January 2024 is 2024 × 12). */
function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

const overview: OverviewShare<OverviewValue> = {
  fields: `socialFigures(from: $from, to: $to) { healthInsurance { people budget } allowances { recipients amount } emergencyRelief { events } }`,
  // Health insurance from its rollups' city rows (commune '', group '') less the people in a gap
  // of cover throughout (city bit 8), as healthInsuranceFigures reads them. Allowance months as
  // in the repository: the months whose first day lies in the period ($3 and $4 are the first
  // and last month indexes), intersected with the allowance's.
  floor: (v) => {
    const { period, upToTo, upToFrom } = rollupRuns(v);
    return {
      text: `
        SELECT json_build_object(
          'people', (SELECT (coalesce(sum(people_started) FILTER (WHERE ${segments(upToTo)}), 0)
              - coalesce(sum(people_stopped) FILTER (WHERE ${segments(upToFrom)}), 0)
              - (SELECT count(*) FROM social_insurance.health_insurance_gap WHERE gap @> daterange($1::date, $2::date, '[]') AND areas & 8 <> 0))::int
            FROM social_insurance.health_insurance_rollup
            WHERE (${segments([...upToTo, ...upToFrom])}) AND commune_code = '' AND support_group = ''),
          'budget', (SELECT coalesce(sum(budget), 0)::int8 FROM social_insurance.health_insurance_rollup
            WHERE ${segments(period)} AND commune_code = '' AND support_group = ''),
          'allowances', (SELECT json_build_object('recipients', count(DISTINCT member_id), 'amount', sum(monthly_amount * months)::int8) FROM (
              SELECT member_id, monthly_amount,
                least(coalesce(extract(year FROM end_date)::int * 12 + extract(month FROM end_date)::int - 1, $4::int), $4::int)
                  - greatest(extract(year FROM start_date)::int * 12 + extract(month FROM start_date)::int - 1, $3::int) + 1 AS months
              FROM social_insurance.social_allowance
              WHERE start_date <= $2::date AND (end_date IS NULL OR end_date >= $1::date)) a WHERE months > 0),
          'relief_events', (SELECT count(*) FROM social_insurance.emergency_relief WHERE relief_date BETWEEN $1::date AND $2::date)
        ) AS value`,
      values: [v.from, v.to, monthIndex(v.from) + (v.from.endsWith('-01') ? 0 : 1), monthIndex(v.to)],
    };
  },
  city: (social) => ({
    socialFigures: {
      healthInsurance: { people: social.people, budget: money(social.budget) },
      allowances: { recipients: social.allowances?.recipients ?? 0, amount: money(social.allowances?.amount) },
      emergencyRelief: { events: social.relief_events },
    },
  }),
};

export const bench: DepartmentBench = { name: 'social_insurance', scorecard, overview };
