import { kindEnum, rate, type DepartmentBench, type OverviewShare, type ScorecardShare } from '../bench-kit.js';

// The registry's share of the dashboard's figure answers, for the benchmarks (subgraphs/bench-kit.ts):
// the fields the gateway asks of it, and the floor SQL computing them straight on its tables.

interface ScorecardValue {
  code: string;
  name: string;
  kind: string;
  households: number | null;
  poor: number;
  near_poor: number;
}
type CommunesValue = ScorecardValue[];

const scorecard: ScorecardShare<CommunesValue> = {
  fields: `householdCount(year: $year) povertyFigures(year: $year) { poor nearPoor poorRatePercent nearPoorRatePercent }`,
  // poverty_year_rollup: per review year and commune, each household by its latest review in the
  // year (povertyCounts); household counts as householdCounts reads them.
  floor: ({ year }) => ({
    text: `
      WITH poverty AS (
        SELECT commune_code, sum(poor)::int AS poor, sum(near_poor)::int AS near_poor
        FROM registry.poverty_year_rollup WHERE year = $1 GROUP BY commune_code)
      SELECT coalesce(json_agg(json_build_object('code', c.code, 'name', c.name, 'kind', c.kind,
          'households', (SELECT n.households FROM registry.commune_household_count n
            WHERE n.commune_code = c.code AND n.year <= $1 ORDER BY n.year DESC LIMIT 1),
          'poor', coalesce(p.poor, 0), 'near_poor', coalesce(p.near_poor, 0)) ORDER BY c.position), '[]') AS value
      FROM registry.commune c LEFT JOIN poverty p ON p.commune_code = c.code`,
    values: [year],
  }),
  communes: (value) => value.map((c) => c.code),
  rows: (value) => {
    const byCode = new Map(value.map((c) => [c.code, c]));
    return (code) => {
      const c = byCode.get(code)!;
      return {
        code: c.code,
        name: c.name,
        kind: kindEnum(c.kind),
        householdCount: c.households,
        povertyFigures: {
          poor: c.poor,
          nearPoor: c.near_poor,
          poorRatePercent: rate(c.poor, c.households),
          nearPoorRatePercent: rate(c.near_poor, c.households),
        },
      };
    };
  },
};

interface OverviewValue {
  communes: number;
  wards: number;
  rural: number;
  trend: Array<{ year: number; households: number; poor: number; near_poor: number; escaped: number }>;
  status_poor: number;
  status_near_poor: number;
  no_poor: number;
  no_poor_or_near_poor: number;
}

const overview: OverviewShare<OverviewValue> = {
  fields: `name communeCount wardCount ruralCommuneCount householdCount(year: $year)
    povertyTrend(fromYear: 2022, toYear: $year) { year households poor nearPoor poorRatePercent nearPoorRatePercent escapedPoverty }
    povertyStatus(asOf: $asOf) { poor nearPoor communesWithNoPoor communesWithNoPoorOrNearPoor }`,
  // povertyTrend runs from 2022 (fixed in the operation) to $1: poverty_year_rollup
  // (povertyCounts); the status on $2 from poverty_status_change (povertyStatusCounts).
  floor: ({ year, asOf }) => ({
    text: `
      WITH years AS (SELECT generate_series(2022, $1::int) AS year),
      city_households AS MATERIALIZED (
        SELECT y.year, (SELECT sum(latest.households)::int8 FROM registry.commune c
          CROSS JOIN LATERAL (SELECT n.households FROM registry.commune_household_count n
            WHERE n.commune_code = c.code AND n.year <= y.year ORDER BY n.year DESC LIMIT 1) latest) AS households
        FROM years y),
      counts AS (
        SELECT year, sum(poor)::int AS poor, sum(near_poor)::int AS near_poor, sum(escaped_poverty)::int AS escaped
        FROM registry.poverty_year_rollup WHERE year BETWEEN 2022 AND $1 GROUP BY year),
      trend AS (
        SELECT h.year, h.households, coalesce(c.poor, 0) AS poor, coalesce(c.near_poor, 0) AS near_poor, coalesce(c.escaped, 0) AS escaped
        FROM city_households h LEFT JOIN counts c ON c.year = h.year),
      status AS (
        SELECT commune_code, sum(poor)::int AS poor, sum(near_poor)::int AS near_poor
        FROM registry.poverty_status_change WHERE change_date <= $2::date GROUP BY commune_code)
      SELECT json_build_object(
        'communes', (SELECT count(*) FROM registry.commune),
        'wards', (SELECT count(*) FROM registry.commune WHERE kind = 'ward'),
        'rural', (SELECT count(*) FROM registry.commune WHERE kind = 'rural'),
        'trend', (SELECT json_agg(t ORDER BY t.year) FROM trend t),
        'status_poor', (SELECT coalesce(sum(poor), 0) FROM status),
        'status_near_poor', (SELECT coalesce(sum(near_poor), 0) FROM status),
        'no_poor', (SELECT count(*) FROM registry.commune c WHERE NOT EXISTS (SELECT 1 FROM status s WHERE s.commune_code = c.code AND s.poor > 0)),
        'no_poor_or_near_poor', (SELECT count(*) FROM registry.commune c
          WHERE NOT EXISTS (SELECT 1 FROM status s WHERE s.commune_code = c.code AND (s.poor > 0 OR s.near_poor > 0)))
      ) AS value`,
    values: [year, asOf],
  }),
  city: (registry, v) => ({
    communeCount: registry.communes,
    wardCount: registry.wards,
    ruralCommuneCount: registry.rural,
    householdCount: registry.trend.find((t) => t.year === v.year)?.households ?? null,
    povertyTrend: registry.trend.map((t) => ({
      year: t.year,
      households: t.households,
      poor: t.poor,
      nearPoor: t.near_poor,
      poorRatePercent: rate(t.poor, t.households),
      nearPoorRatePercent: rate(t.near_poor, t.households),
      escapedPoverty: t.escaped,
    })),
    povertyStatus: {
      poor: registry.status_poor,
      nearPoor: registry.status_near_poor,
      communesWithNoPoor: registry.no_poor,
      communesWithNoPoorOrNearPoor: registry.no_poor_or_near_poor,
    },
  }),
};

export const bench: DepartmentBench = { name: 'registry', scorecard, overview };
