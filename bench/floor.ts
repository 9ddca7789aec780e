import pg from 'pg';
import { dateSegments, FIRST_DAY, type DateSegment } from '../platform/date-segments.js';
import type { CityOverviewQuery, CommuneKind, CommuneScorecardQuery } from '../schema/operations/types.generated.js';

// The floor: the numbers of the commune scorecard and of the city overview computed by
// hand-written SQL straight on the subgraphs' schemas, with no GraphQL, no gateway and no
// subgraph server in between. One statement per subgraph (each department's data could live in
// a database of its own, so nothing joins across schemas), the statements of one answer run in
// parallel, each returning one JSON value. The federated answer can be no faster than this.
//
// The statements read the tables the graph reads: the rollups where a subgraph keeps them
// (registry's poverty_year_rollup and poverty_status_change, credit_rollup and
// credit_household_gap, health_insurance_rollup and its gaps, the employment rollups), the base
// tables where the subgraph reads those (housing, livelihoods, job fairs, allowances and the
// other social programmes), so that "ours ÷ floor" is the price of federation and of the
// subgraphs' own code, nothing else. They are checked against the federated answer field by
// field, so a figure whose definition drifts shows up as a mismatch.

export interface FloorVariables {
  from: string;
  to: string;
  year: number;
  asOf: string;
}

export interface FloorStatement {
  subgraph: string;
  text: string;
  values: unknown[];
}

/** Data: the operation's answer (schema/operations/types.generated.ts), or the part of it the floor computes. */
export interface FloorQuery<Data = unknown> {
  operation: string;
  statements(v: FloorVariables): FloorStatement[];
  /** The GraphQL `data` the statements' JSON values add up to (the fields it computes). */
  assemble(results: unknown[], v: FloorVariables): Data;
}

const rate = (n: number, households: number | null) => (households ? (n / households) * 100 : null);
const kindEnum = (kind: string): CommuneKind => (kind === 'ward' ? 'WARD' : 'RURAL_COMMUNE');
/** Money travels as a decimal string in GraphQL. */
const money = (n: number | string | null | undefined) => String(n ?? 0);

/**
 * Rollup rows of the runs `list` (platform/date-segments.ts): the same few year, month
 * and day rows the subgraphs' figures read. Dates are the operation's own variables, checked to
 * be ISO dates before they go into the text.
 */
function segments(list: readonly DateSegment[]): string {
  const date = (d: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not an ISO date: ${d}`);
    return `'${d}'::date`;
  };
  return `(${list.map((s) => `(grain = '${s.grain}' AND period_start BETWEEN ${date(s.from)} AND ${date(s.to)})`).join(' OR ')})`;
}

function yearSpan(year: number) {
  return { yFrom: `${year}-01-01`, yTo: `${year}-12-31` };
}

type ScorecardRow = CommuneScorecardQuery['communes'][number];

export const communeScorecardFloor: FloorQuery<CommuneScorecardQuery> = {
  operation: 'commune-scorecard',
  statements: ({ from, to, year, asOf }) => {
    const period = dateSegments(from, to);
    const upToTo = dateSegments(FIRST_DAY, to);
    const upToFrom = dateSegments(FIRST_DAY, from);
    const upToAsOf = dateSegments(FIRST_DAY, asOf);
    return [
      {
        subgraph: 'registry',
        // poverty_year_rollup: per review year and commune, each household by its latest
        // review in the year (povertyCounts); household counts as householdCounts reads them.
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
      },
      {
        subgraph: 'credit',
        // credit_rollup's commune totals (programme ''): the period's amounts; borrowers started
        // by `to` less stopped by `from`, less those in a borrowing gap covering the whole
        // period (credit_household_gap, commune bit 2); the balance is every change up to `asOf`
        // (disbursementFigures, outstandingFigures).
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
        values: [from, to],
      },
      {
        subgraph: 'housing',
        text: `
          SELECT coalesce(json_object_agg(commune_code, json_build_object('completed', completed, 'supported', supported)), '{}') AS value
          FROM (SELECT commune_code,
              count(*) FILTER (WHERE status = 'completed' AND completion_date BETWEEN $1::date AND $2::date)::int AS completed,
              count(*) FILTER (WHERE approval_date BETWEEN $1::date AND $2::date AND status <> 'cancelled')::int AS supported
            FROM housing.housing_case
            WHERE (status = 'completed' AND completion_date BETWEEN $1::date AND $2::date) OR approval_date BETWEEN $1::date AND $2::date
            GROUP BY commune_code) h`,
        values: [from, to],
      },
      {
        subgraph: 'social_insurance',
        // health_insurance_rollup's commune totals (group ''): the budget granted in the period;
        // people whose cover started by `to` less stopped by `from`, less those in a gap of
        // cover throughout (health_insurance_gap, commune bit 2) (healthInsuranceFigures).
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
        values: [from, to],
      },
      {
        subgraph: 'employment',
        // The rollups of the year: placements' commune totals (channel ''), enrolments summed
        // over levels (placementCounts, trainingCounts).
        text: `
          WITH p AS (SELECT commune_code, placements::int AS n FROM employment.employment_placement_rollup
              WHERE year = $1 AND commune_code <> '' AND channel = ''),
            t AS (SELECT commune_code, sum(enrolments)::int AS n FROM employment.employment_training_rollup
              WHERE year = $1 AND commune_code <> '' GROUP BY commune_code)
          SELECT coalesce(json_object_agg(coalesce(p.commune_code, t.commune_code),
            json_build_object('placements', coalesce(p.n, 0), 'enrolments', coalesce(t.n, 0))), '{}') AS value
          FROM p FULL JOIN t ON t.commune_code = p.commune_code`,
        values: [year],
      },
      {
        subgraph: 'livelihoods',
        text: `
          SELECT coalesce(json_object_agg(commune_code, json_build_object('households', households, 'value', value)), '{}') AS value
          FROM (SELECT p.commune_code, count(DISTINCT p.household_id)::int AS households,
              sum(p.cash_support + (SELECT coalesce(sum(i.value), 0) FROM livelihoods.livelihood_support_item i WHERE i.participant_id = p.id))::int8 AS value
            FROM livelihoods.livelihood_participant p
            WHERE p.start_date BETWEEN $1::date AND $2::date GROUP BY p.commune_code) l`,
        values: [from, to],
      },
    ];
  },
  assemble: (results) => {
    const [communes, credit, housing, social, employment, livelihoods] = results as [
      Array<{ code: string; name: string; kind: string; households: number | null; poor: number; near_poor: number }>,
      Record<string, { amount: number | null; households: number | null; outstanding: number | null }>,
      Record<string, { completed: number; supported: number }>,
      Record<string, { people: number; budget: number }>,
      Record<string, { placements: number; enrolments: number }>,
      Record<string, { households: number; value: number }>,
    ];
    const rows: ScorecardRow[] = communes.map((c) => ({
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
      creditFigures: { amountDisbursed: money(credit[c.code]?.amount), borrowingHouseholds: credit[c.code]?.households ?? 0 },
      creditOutstanding: { outstanding: money(credit[c.code]?.outstanding) },
      housingFigures: { housesCompleted: housing[c.code]?.completed ?? 0, housesSupported: housing[c.code]?.supported ?? 0 },
      socialFigures: { healthInsurance: { people: social[c.code]?.people ?? 0, budget: money(social[c.code]?.budget) } },
      employmentFigures: { placements: employment[c.code]?.placements ?? 0, trainingEnrolments: employment[c.code]?.enrolments ?? 0 },
      livelihoodFigures: { householdsSupported: livelihoods[c.code]?.households ?? 0, supportValue: money(livelihoods[c.code]?.value) },
    }));
    return { communes: rows };
  },
};

// Every field of the answer but the city's name, which is no figure.
export const cityOverviewFloor: FloorQuery<{ city: Omit<CityOverviewQuery['city'], 'name'> }> = {
  operation: 'city-overview',
  statements: ({ from, to, year, asOf }) => {
    const { yFrom, yTo } = yearSpan(year);
    const period = dateSegments(from, to);
    const upToTo = dateSegments(FIRST_DAY, to);
    const upToFrom = dateSegments(FIRST_DAY, from);
    const upToAsOf = dateSegments(FIRST_DAY, asOf);
    return [
      {
        subgraph: 'registry',
        // povertyTrend runs from 2022 (fixed in the operation) to $1: poverty_year_rollup
        // (povertyCounts); the status on $2 from poverty_status_change (povertyStatusCounts).
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
      },
      {
        subgraph: 'credit',
        // credit_rollup's city rows (commune ''): per programme and the total (programme ''),
        // less the households in a gap (credit_household_gap: programme bit 4, city bit 8), as
        // disbursementFigures and outstandingFigures read them for the city.
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
        values: [from, to, asOf, year],
      },
      {
        subgraph: 'housing',
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
      },
      {
        subgraph: 'social_insurance',
        // Health insurance from its rollups' city rows (commune '', group '') less the people in
        // a gap of cover throughout (city bit 8), as healthInsuranceFigures reads them.
        // Allowance months as in the repository: the months whose first day lies in the period
        // ($3 and $4 are the first and last month indexes), intersected with the allowance's.
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
        values: [from, to, monthIndex(from) + (from.endsWith('-01') ? 0 : 1), monthIndex(to)],
      },
      {
        subgraph: 'employment',
        // The year's rollups, city rows (commune ''); the fairs and the statistics from their
        // own tables, as the graph reads them.
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
        values: [yFrom, yTo, year],
      },
      {
        subgraph: 'livelihoods',
        text: `
          SELECT json_build_object(
            'households', (SELECT count(DISTINCT household_id) FROM livelihoods.livelihood_participant WHERE start_date BETWEEN $1::date AND $2::date),
            'value', (SELECT coalesce(sum(p.cash_support + (SELECT coalesce(sum(i.value), 0) FROM livelihoods.livelihood_support_item i WHERE i.participant_id = p.id)), 0)::int8
              FROM livelihoods.livelihood_participant p WHERE p.start_date BETWEEN $1::date AND $2::date),
            'models', (SELECT count(*) FROM livelihoods.livelihood_high_tech_model WHERE started_on BETWEEN $1::date AND $2::date)
          ) AS value`,
        values: [from, to],
      },
    ];
  },
  assemble: (results, v) => {
    const [registry, credit, housing, social, employment, livelihoods] = results as [any, any, any, any, any, any];
    const total = credit.total ?? { amount: 0, loans: 0, households: 0, jobs: 0 };
    const current = (registry.trend as any[]).find((t) => t.year === v.year);
    return {
      city: {
        communeCount: registry.communes,
        wardCount: registry.wards,
        ruralCommuneCount: registry.rural,
        householdCount: current?.households ?? null,
        povertyTrend: (registry.trend as any[]).map((t) => ({
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
        creditFigures: {
          amountDisbursed: money(total.amount),
          loans: total.loans,
          borrowingHouseholds: total.households,
          jobsCreated: total.jobs,
          byProgramme: (credit.programmes as any[]).map((p) => ({
            programme: { code: p.code, name: p.name },
            amountDisbursed: money(p.amount),
            borrowingHouseholds: p.households ?? 0,
          })),
        },
        creditOutstanding: { outstanding: money(credit.outstanding?.outstanding), borrowersWithBalance: credit.outstanding?.households ?? 0 },
        capitalEntrusted: { total: money(credit.capital) },
        housingFigures: {
          housesSupported: housing.counts.supported,
          housesCompleted: housing.counts.completed,
          newHousesCompleted: housing.counts.new,
          renovationsCompleted: housing.counts.renovation,
          totalFunding: money(housing.funding),
        },
        fundForThePoor: { amountMobilised: money(housing.mobilised), housesFunded: housing.counts.with_fund },
        socialFigures: {
          healthInsurance: { people: social.people, budget: money(social.budget) },
          allowances: { recipients: social.allowances?.recipients ?? 0, amount: money(social.allowances?.amount) },
          emergencyRelief: { events: social.relief_events },
        },
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
        livelihoodFigures: {
          householdsSupported: livelihoods.households,
          supportValue: money(livelihoods.value),
          highTechModels: { count: livelihoods.models },
        },
      },
    };
  },
};

function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

export const FLOORS: readonly FloorQuery[] = [communeScorecardFloor, cityOverviewFloor];

/**
 * Runs one answer's statements in parallel on `pool` and assembles them. The pool stands in
 * for the subgraphs' pools, so it gets as many connections as they have together.
 */
export async function runFloor(pool: pg.Pool, floor: FloorQuery, variables: FloorVariables): Promise<unknown> {
  const results = await Promise.all(
    floor.statements(variables).map(async (s) => {
      const { rows } = await pool.query<{ value: unknown }>(s.text, s.values);
      return rows[0]?.value;
    }),
  );
  return floor.assemble(results, variables);
}

export interface Comparison {
  checked: number;
  /** Federated fields that were null where the floor has a number: withheld small counts. */
  withheld: number;
  mismatches: string[];
}

/**
 * Compares every leaf the floor computes with the federated answer's leaf at the same path.
 * Numbers compare as numbers (Money strings included); a federated null against a floor number
 * is counted as withheld (access control hides small counts from roles without exact counts),
 * not as a mismatch.
 */
export function compareWithFloor(federated: unknown, floor: unknown, path = ''): Comparison {
  const result: Comparison = { checked: 0, withheld: 0, mismatches: [] };
  const walk = (f: unknown, expected: unknown, at: string) => {
    if (Array.isArray(expected)) {
      if (!Array.isArray(f) || f.length !== expected.length) {
        result.mismatches.push(`${at}: ${Array.isArray(f) ? `${f.length} items` : JSON.stringify(f)} federated, ${expected.length} items from SQL`);
        return;
      }
      expected.forEach((e, i) => walk(f[i], e, `${at}[${i}]`));
      return;
    }
    if (expected !== null && typeof expected === 'object') {
      if (f === null || typeof f !== 'object') {
        result.mismatches.push(`${at}: ${JSON.stringify(f)} federated, an object from SQL`);
        return;
      }
      for (const [key, value] of Object.entries(expected)) walk((f as Record<string, unknown>)[key], value, at ? `${at}.${key}` : key);
      return;
    }
    result.checked++;
    if (f === null && expected !== null) {
      result.withheld++;
      return;
    }
    if (!sameLeaf(f, expected)) result.mismatches.push(`${at}: ${JSON.stringify(f)} federated, ${JSON.stringify(expected)} from SQL`);
  };
  walk(federated, floor, path);
  return result;
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const x = Number(a);
  const y = Number(b);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- spreadsheet cells: strings or numbers here
  if (typeof a !== 'boolean' && Number.isFinite(x) && Number.isFinite(y) && String(a).trim() !== '' && String(b).trim() !== '') {
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
  }
  return false;
}
