import { money, rollupRuns, segments, type DepartmentBench, type OverviewShare, type ScorecardShare } from '../bench-kit.js';

// Credit's share of the dashboard's figure answers, for the benchmarks (subgraphs/bench-kit.ts):
// the fields the gateway asks of it, and the floor SQL computing them straight on its tables.

type ScorecardValue = Record<string, { amount: number | null; households: number | null; outstanding: number | null }>;

const scorecard: ScorecardShare<ScorecardValue> = {
  fields: `creditFigures(from: $from, to: $to) { amountDisbursed borrowingHouseholds } creditOutstanding(asOf: $asOf) { outstanding }`,
  // credit_rollup's commune totals (programme ''): the period's amounts; borrowers started by
  // `to` less stopped by `from`, less those in a borrowing gap covering the whole period
  // (credit_household_gap, commune bit 2); the balance is every change up to `asOf`
  // (disbursementFigures, outstandingFigures).
  floor: (v) => {
    const { period, upToTo, upToFrom, upToAsOf } = rollupRuns(v);
    return {
      text: `
        WITH flows AS (
          SELECT commune_code,
            coalesce(sum(amount_disbursed) FILTER (WHERE ${segments(period)}), 0) AS amount,
            coalesce(sum(borrowers_started) FILTER (WHERE ${segments(upToTo)}), 0)
              - coalesce(sum(borrowers_stopped) FILTER (WHERE ${segments(upToFrom)}), 0) AS households,
            coalesce(sum(balance_change) FILTER (WHERE ${segments(upToAsOf)}), 0) AS outstanding
          FROM credit.credit_rollup
          WHERE (${segments([...period, ...upToTo, ...upToFrom, ...upToAsOf])}) AND commune_code <> '' AND programme_code = ''
          GROUP BY commune_code),
        covering AS (
          SELECT commune_code, count(*) AS households FROM credit.credit_household_gap
          WHERE measure = 'borrowing' AND gap @> daterange($1::date, $2::date, '[]') AND areas & 2 <> 0
          GROUP BY commune_code)
        SELECT coalesce(json_object_agg(f.commune_code, json_build_object('amount', f.amount::int8,
            'households', (f.households - coalesce(c.households, 0))::int, 'outstanding', f.outstanding::int8)), '{}') AS value
        FROM flows f LEFT JOIN covering c ON c.commune_code = f.commune_code`,
      values: [v.from, v.to],
    };
  },
  rows: (credit) => (code) => ({
    creditFigures: { amountDisbursed: money(credit[code]?.amount), borrowingHouseholds: credit[code]?.households ?? 0 },
    creditOutstanding: { outstanding: money(credit[code]?.outstanding) },
  }),
};

interface Flows {
  amount: number;
  loans: number;
  households: number;
  jobs: number;
}
interface OverviewValue {
  total: Flows | null;
  programmes: Array<{ code: string; name: string; amount: number | null; households: number | null }>;
  outstanding: { outstanding: number; households: number } | null;
  capital: number;
}

const overview: OverviewShare<OverviewValue> = {
  fields: `creditFigures(from: $from, to: $to) { amountDisbursed loans borrowingHouseholds jobsCreated byProgramme { programme { code name } amountDisbursed borrowingHouseholds } }
    creditOutstanding(asOf: $asOf) { outstanding borrowersWithBalance } capitalEntrusted(fromYear: 2021, toYear: $year) { total }`,
  // credit_rollup's city rows (commune ''): per programme and the total (programme ''), less the
  // households in a gap (credit_household_gap: programme bit 4, city bit 8), as
  // disbursementFigures and outstandingFigures read them for the city.
  floor: (v) => {
    const { period, upToTo, upToFrom, upToAsOf } = rollupRuns(v);
    return {
      text: `
        WITH flows AS (
          SELECT programme_code,
            coalesce(sum(amount_disbursed) FILTER (WHERE ${segments(period)}), 0)::int8 AS amount,
            coalesce(sum(loans_disbursed) FILTER (WHERE ${segments(period)}), 0)::int AS loans,
            coalesce(sum(jobs_created) FILTER (WHERE ${segments(period)}), 0)::int8 AS jobs,
            coalesce(sum(borrowers_started) FILTER (WHERE ${segments(upToTo)}), 0)
              - coalesce(sum(borrowers_stopped) FILTER (WHERE ${segments(upToFrom)}), 0) AS households,
            coalesce(sum(balance_change) FILTER (WHERE ${segments(upToAsOf)}), 0)::int8 AS outstanding,
            coalesce(sum(balance_holders_started - balance_holders_stopped) FILTER (WHERE ${segments(upToAsOf)}), 0) AS holders
          FROM credit.credit_rollup
          WHERE (${segments([...period, ...upToTo, ...upToFrom, ...upToAsOf])}) AND commune_code = ''
          GROUP BY programme_code),
        gaps AS (
          SELECT coalesce(programme_code, '') AS programme_code, measure,
            CASE WHEN grouping(programme_code) = 0 THEN count(*) FILTER (WHERE areas & 4 <> 0) ELSE count(*) FILTER (WHERE areas & 8 <> 0) END AS n
          FROM credit.credit_household_gap
          WHERE areas & 12 <> 0 AND ((measure = 'borrowing' AND gap @> daterange($1::date, $2::date, '[]')) OR (measure = 'balance' AND gap @> $3::date))
          GROUP BY GROUPING SETS ((programme_code, measure), (measure))
          HAVING CASE WHEN grouping(programme_code) = 0 THEN count(*) FILTER (WHERE areas & 4 <> 0) ELSE count(*) FILTER (WHERE areas & 8 <> 0) END > 0),
        d AS (
          SELECT f.programme_code, f.amount, f.loans, f.jobs, f.outstanding,
            (f.households - coalesce((SELECT sum(n) FROM gaps g WHERE g.programme_code = f.programme_code AND g.measure = 'borrowing'), 0))::int AS households,
            (f.holders - coalesce((SELECT sum(n) FROM gaps g WHERE g.programme_code = f.programme_code AND g.measure = 'balance'), 0))::int AS holders
          FROM flows f)
        SELECT json_build_object(
          'total', (SELECT json_build_object('amount', amount, 'loans', loans, 'households', households, 'jobs', jobs) FROM d WHERE programme_code = ''),
          'programmes', (SELECT json_agg(json_build_object('code', p.code, 'name', p.name, 'amount', d.amount, 'households', d.households) ORDER BY p.position)
            FROM credit.loan_programme p LEFT JOIN d ON d.programme_code = p.code),
          'outstanding', (SELECT json_build_object('outstanding', outstanding, 'households', holders) FROM d WHERE programme_code = ''),
          'capital', (SELECT coalesce(sum(amount), 0)::int8 FROM credit.capital_entrusted WHERE year BETWEEN 2021 AND $4)
        ) AS value`,
      values: [v.from, v.to, v.asOf, v.year],
    };
  },
  city: (credit) => {
    const total = credit.total ?? { amount: 0, loans: 0, households: 0, jobs: 0 };
    return {
      creditFigures: {
        amountDisbursed: money(total.amount),
        loans: total.loans,
        borrowingHouseholds: total.households,
        jobsCreated: total.jobs,
        byProgramme: credit.programmes.map((p) => ({
          programme: { code: p.code, name: p.name },
          amountDisbursed: money(p.amount),
          borrowingHouseholds: p.households ?? 0,
        })),
      },
      creditOutstanding: { outstanding: money(credit.outstanding?.outstanding), borrowersWithBalance: credit.outstanding?.households ?? 0 },
      capitalEntrusted: { total: money(credit.capital) },
    };
  },
};

export const bench: DepartmentBench = { name: 'credit', scorecard, overview };
