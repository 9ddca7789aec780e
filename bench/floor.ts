import pg from 'pg';

// The floor: the numbers of the commune scorecard and of the city overview computed by
// hand-written SQL straight on the subgraphs' schemas, with no GraphQL, no gateway and no
// subgraph server in between. One statement per subgraph (each department's data could live in
// a database of its own, so nothing joins across schemas), the statements of one answer run in
// parallel, each returning one JSON value. The federated answer can be no faster than this.
//
// The statements read the base tables the way the subgraphs' repositories define each figure;
// they are checked against the federated answer field by field, so a figure whose definition
// drifts (or a rollup table that disagrees with its base rows) shows up as a mismatch.

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

export interface FloorQuery {
  operation: string;
  statements(v: FloorVariables): FloorStatement[];
  /** The GraphQL `data` the statements' JSON values add up to (the fields it computes). */
  assemble(results: unknown[], v: FloorVariables): unknown;
}

const rate = (n: number, households: number | null) => (households ? (n / households) * 100 : null);
const kindEnum = (kind: string) => (kind === 'ward' ? 'WARD' : 'RURAL_COMMUNE');
/** Money travels as a decimal string in GraphQL. */
const money = (n: number | string | null | undefined) => String(n ?? 0);

function yearSpan(year: number) {
  return { yFrom: `${year}-01-01`, yTo: `${year}-12-31` };
}

interface ScorecardRow {
  code: string;
  [field: string]: unknown;
}

export const communeScorecardFloor: FloorQuery = {
  operation: 'commune-scorecard',
  statements: ({ from, to, year, asOf }) => {
    const { yFrom, yTo } = yearSpan(year);
    return [
      {
        subgraph: 'registry',
        text: `
          WITH latest AS (
            SELECT DISTINCT ON (household_id) commune_code, classification
            FROM registry.poverty_review WHERE year = $1
            ORDER BY household_id, review_date DESC, id DESC),
          poverty AS (
            SELECT commune_code,
              count(*) FILTER (WHERE classification = 'poor')::int AS poor,
              count(*) FILTER (WHERE classification = 'near_poor')::int AS near_poor
            FROM latest GROUP BY commune_code)
          SELECT coalesce(json_agg(json_build_object('code', c.code, 'name', c.name, 'kind', c.kind,
              'households', (SELECT n.households FROM registry.commune_household_count n
                WHERE n.commune_code = c.code AND n.year <= $1 ORDER BY n.year DESC LIMIT 1),
              'poor', coalesce(p.poor, 0), 'near_poor', coalesce(p.near_poor, 0)) ORDER BY c.position), '[]') AS value
          FROM registry.commune c LEFT JOIN poverty p ON p.commune_code = c.code`,
        values: [year],
      },
      {
        subgraph: 'credit',
        text: `
          WITH disbursed AS (
            SELECT commune_code, sum(principal)::int8 AS amount, count(DISTINCT household_id)::int AS households
            FROM credit.loan WHERE disbursed_on BETWEEN $1::date AND $2::date GROUP BY commune_code),
          repaid AS (
            SELECT loan_id, sum(principal) AS repaid FROM credit.loan_repayment WHERE paid_on <= $3::date GROUP BY loan_id),
          outstanding AS (
            SELECT commune_code, sum(balance)::int8 AS outstanding FROM (
              SELECT l.commune_code, l.principal - coalesce(r.repaid, 0) AS balance
              FROM credit.loan l LEFT JOIN repaid r ON r.loan_id = l.id
              WHERE l.disbursed_on <= $3::date AND (l.written_off_on IS NULL OR l.written_off_on > $3::date)) b
            WHERE balance > 0 GROUP BY commune_code)
          SELECT coalesce(json_object_agg(coalesce(d.commune_code, o.commune_code),
            json_build_object('amount', d.amount, 'households', d.households, 'outstanding', o.outstanding)), '{}') AS value
          FROM disbursed d FULL JOIN outstanding o ON o.commune_code = d.commune_code`,
        values: [from, to, asOf],
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
        text: `
          SELECT coalesce(json_object_agg(commune_code, json_build_object('people', people, 'budget', budget)), '{}') AS value
          FROM (SELECT commune_code,
              count(DISTINCT member_id) FILTER (WHERE valid_from <= $2::date AND valid_to >= $1::date)::int AS people,
              coalesce(sum(budget_amount) FILTER (WHERE granted_on BETWEEN $1::date AND $2::date), 0)::int8 AS budget
            FROM social_insurance.health_insurance_support
            WHERE (valid_from <= $2::date AND valid_to >= $1::date) OR granted_on BETWEEN $1::date AND $2::date
            GROUP BY commune_code) s`,
        values: [from, to],
      },
      {
        subgraph: 'employment',
        text: `
          WITH p AS (SELECT commune_code, count(*)::int AS n FROM employment.job_placement
              WHERE placed_on BETWEEN $1::date AND $2::date GROUP BY commune_code),
            t AS (SELECT commune_code, count(*)::int AS n FROM employment.training_enrolment
              WHERE started_on BETWEEN $1::date AND $2::date GROUP BY commune_code)
          SELECT coalesce(json_object_agg(coalesce(p.commune_code, t.commune_code),
            json_build_object('placements', coalesce(p.n, 0), 'enrolments', coalesce(t.n, 0))), '{}') AS value
          FROM p FULL JOIN t ON t.commune_code = p.commune_code`,
        values: [yFrom, yTo],
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
      povertyFigures: { poor: c.poor, nearPoor: c.near_poor, poorRatePercent: rate(c.poor, c.households), nearPoorRatePercent: rate(c.near_poor, c.households) },
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

export const cityOverviewFloor: FloorQuery = {
  operation: 'city-overview',
  statements: ({ from, to, year, asOf }) => {
    const { yFrom, yTo } = yearSpan(year);
    return [
      {
        subgraph: 'registry',
        // povertyTrend runs from 2022 (fixed in the operation) to $1.
        text: `
          WITH years AS (SELECT generate_series(2022, $1::int) AS year),
          city_households AS MATERIALIZED (
            SELECT y.year, (SELECT sum(latest.households)::int8 FROM registry.commune c
              CROSS JOIN LATERAL (SELECT n.households FROM registry.commune_household_count n
                WHERE n.commune_code = c.code AND n.year <= y.year ORDER BY n.year DESC LIMIT 1) latest) AS households
            FROM years y),
          counts AS (
            SELECT year,
              count(*) FILTER (WHERE classification = 'poor')::int AS poor,
              count(*) FILTER (WHERE classification = 'near_poor')::int AS near_poor,
              count(*) FILTER (WHERE transition = 'escaped_poverty')::int AS escaped
            FROM (SELECT DISTINCT ON (year, household_id) year, classification, transition
              FROM registry.poverty_review WHERE year BETWEEN 2022 AND $1
              ORDER BY year, household_id, review_date DESC, id DESC) latest
            GROUP BY year),
          trend AS (
            SELECT h.year, h.households, coalesce(c.poor, 0) AS poor, coalesce(c.near_poor, 0) AS near_poor, coalesce(c.escaped, 0) AS escaped
            FROM city_households h LEFT JOIN counts c ON c.year = h.year),
          status AS (
            SELECT commune_code,
              count(*) FILTER (WHERE classification = 'poor')::int AS poor,
              count(*) FILTER (WHERE classification = 'near_poor')::int AS near_poor
            FROM (SELECT DISTINCT ON (household_id) commune_code, classification FROM registry.poverty_review
              WHERE review_date <= $2::date ORDER BY household_id, review_date DESC, id DESC) s
            GROUP BY commune_code)
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
        text: `
          WITH d AS (
            SELECT programme_code, sum(principal)::int8 AS amount, count(*)::int AS loans,
              count(DISTINCT household_id)::int AS households, sum(jobs_created)::int8 AS jobs
            FROM credit.loan WHERE disbursed_on BETWEEN $1::date AND $2::date
            GROUP BY GROUPING SETS ((programme_code), ())),
          repaid AS (
            SELECT loan_id, sum(principal) AS repaid FROM credit.loan_repayment WHERE paid_on <= $3::date GROUP BY loan_id),
          balance AS (
            SELECT l.household_id, l.principal - coalesce(r.repaid, 0) AS balance
            FROM credit.loan l LEFT JOIN repaid r ON r.loan_id = l.id
            WHERE l.disbursed_on <= $3::date AND (l.written_off_on IS NULL OR l.written_off_on > $3::date))
          SELECT json_build_object(
            'total', (SELECT row_to_json(d) FROM d WHERE programme_code IS NULL),
            'programmes', (SELECT json_agg(json_build_object('code', p.code, 'name', p.name, 'amount', d.amount, 'households', d.households) ORDER BY p.position)
              FROM credit.loan_programme p LEFT JOIN d ON d.programme_code = p.code),
            'outstanding', (SELECT json_build_object('outstanding', sum(balance)::int8, 'households', count(DISTINCT household_id)) FROM balance WHERE balance > 0),
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
        // Allowance months as in the repository: the months whose first day lies in the period
        // ($3 and $4 are the first and last month indexes), intersected with the allowance's.
        text: `
          SELECT json_build_object(
            'people', (SELECT count(DISTINCT member_id) FROM social_insurance.health_insurance_support WHERE valid_from <= $2::date AND valid_to >= $1::date),
            'budget', (SELECT coalesce(sum(budget_amount), 0)::int8 FROM social_insurance.health_insurance_support WHERE granted_on BETWEEN $1::date AND $2::date),
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
        text: `
          SELECT json_build_object(
            'workers', (SELECT count(DISTINCT member_id) FROM employment.job_placement WHERE placed_on BETWEEN $1::date AND $2::date),
            'budget_funded', (SELECT count(*) FROM employment.job_placement WHERE placed_on BETWEEN $1::date AND $2::date AND channel = 'budget_funded_support'),
            'fairs', (SELECT json_build_object('hires', coalesce(sum(hires), 0), 'abroad', coalesce(sum(hires_abroad), 0))
              FROM employment.job_fair WHERE held_on BETWEEN $1::date AND $2::date),
            'enrolments', (SELECT count(*) FROM employment.training_enrolment WHERE started_on BETWEEN $1::date AND $2::date),
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
        livelihoodFigures: { householdsSupported: livelihoods.households, supportValue: money(livelihoods.value), highTechModels: { count: livelihoods.models } },
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
