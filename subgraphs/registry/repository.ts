import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../../db/bulk.js';
import type {
  Classification,
  Commune,
  CommuneKind,
  Household,
  HouseholdMember,
  NewHouseholdMember,
  NewPovertyReview,
  PovertyIndicator,
  PovertyReview,
  PovertyStandard,
  RegistryDatabase,
  PovertyStatusChangeTable,
  PovertyWhatIfRollupTable,
  PovertyYearRollupTable,
  Relation,
  Transition,
} from './db/tables.js';
import { score, type StandardRules } from './standard.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<RegistryDatabase>;

export interface CommuneQuery {
  kind?: CommuneKind | undefined;
  nameContains?: string | undefined;
  codes?: readonly string[] | undefined;
}

export function findCommunes(db: DB, query: CommuneQuery = {}): Promise<Commune[]> {
  let q = db.selectFrom('commune').selectAll();
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (query.nameContains) q = q.where('name', 'ilike', `%${escapeLike(query.nameContains)}%`);
  if (query.codes) q = q.where('code', 'in', query.codes.length ? [...query.codes] : ['']);
  return q.orderBy('position').execute();
}

export function findCommune(db: DB, code: string): Promise<Commune | undefined> {
  return db.selectFrom('commune').selectAll().where('code', '=', code).executeTakeFirst();
}

/** For each (commune, year): the latest household count recorded for that year or before. */
export async function householdCounts(
  db: DB,
  keys: ReadonlyArray<{ code: string; year: number }>,
): Promise<Array<{ code: string; year: number; households: number | null }>> {
  const { rows } = await sql<{ code: string; year: number; households: number | null }>`
    SELECT q.code, q.year,
      (SELECT c.households FROM commune_household_count c
        WHERE c.commune_code = q.code AND c.year <= q.year
        ORDER BY c.year DESC LIMIT 1) AS households
    FROM unnest(${keys.map((k) => k.code)}::text[], ${keys.map((k) => k.year)}::int[]) AS q(code, year)`.execute(db);
  return rows;
}

/** For each year: the city's households, the sum of each commune's latest count for that year. */
export async function cityHouseholdCounts(db: DB, years: readonly number[]): Promise<Array<{ year: number; households: number | null }>> {
  const { rows } = await sql<{ year: number; households: number | null }>`
    SELECT y.year,
      (SELECT sum(latest.households)::int8 FROM commune c
        CROSS JOIN LATERAL (SELECT n.households FROM commune_household_count n
          WHERE n.commune_code = c.code AND n.year <= y.year ORDER BY n.year DESC LIMIT 1) latest) AS households
    FROM unnest(${[...years]}::int[]) AS y(year)`.execute(db);
  return rows;
}

export function findHouseholdsByIds(db: DB, ids: readonly number[]): Promise<Household[]> {
  return db
    .selectFrom('household')
    .selectAll()
    .where('id', '=', sql<number>`any(${[...ids]}::int8[])`)
    .execute();
}

export function findMembersByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<HouseholdMember[]> {
  return (
    db
      .selectFrom('household_member')
      .selectAll()
      .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
      // Head first, then the rest in the order they were registered.
      .orderBy(sql`relation = 'head'`, 'desc')
      .orderBy('id')
      .execute()
  );
}

export function findMembersByIds(db: DB, ids: readonly number[]): Promise<HouseholdMember[]> {
  return db
    .selectFrom('household_member')
    .selectAll()
    .where('id', '=', sql<number>`any(${[...ids]}::int8[])`)
    .execute();
}

export function findReviewsByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<PovertyReview[]> {
  return db
    .selectFrom('poverty_review')
    .selectAll()
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    .orderBy('household_id')
    .orderBy('review_date')
    .orderBy('id')
    .execute();
}

export interface HouseholdListQuery {
  communeCode?: string | undefined;
  /** Only households in these communes (a caseworker's scope). */
  communeCodes?: readonly string[] | undefined;
  /** With `year`: only households whose latest review that year gave this classification. */
  classification?: Classification | undefined;
  year?: number | undefined;
  afterId?: number | undefined;
}

/**
 * Ids of the households reviewed in `year` whose latest review that year (no later review of the
 * same year beats it) gave `classification`, when one is given.
 */
function reviewedInYear(db: DB, year: number, classification: Classification | undefined) {
  let q = db
    .selectFrom('poverty_review as r')
    .select('r.household_id')
    .where('r.year', '=', year)
    // kysely's expression builder: its methods are bound (kysely's documented destructuring).
    // eslint-disable-next-line @typescript-eslint/unbound-method
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('poverty_review as later')
            .select(sql`1`.as('one'))
            .whereRef('later.household_id', '=', 'r.household_id')
            .where('later.year', '=', year)
            .where(sql<boolean>`(later.review_date, later.id) > (r.review_date, r.id)`),
        ),
      ),
    );
  if (classification) q = q.where('r.classification', '=', classification);
  return q;
}

function householdListBase(db: DB, query: HouseholdListQuery) {
  let q = db.selectFrom('household as h');
  if (query.communeCode) q = q.where('h.commune_code', '=', query.communeCode);
  if (query.communeCodes) q = query.communeCodes.length ? q.where('h.commune_code', 'in', [...query.communeCodes]) : q.where(sql<boolean>`false`);
  if (query.year !== undefined) q = q.where('h.id', 'in', reviewedInYear(db, query.year, query.classification));
  return q;
}

export function listHouseholds(db: DB, query: HouseholdListQuery, limit: number): Promise<Household[]> {
  let q = householdListBase(db, query).selectAll('h');
  if (query.afterId !== undefined) q = q.where('h.id', '>', query.afterId);
  return q.orderBy('h.id').limit(limit).execute();
}

export async function countHouseholds(db: DB, query: HouseholdListQuery): Promise<number> {
  const row = await householdListBase(db, query)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A year's counts for a commune, or for the city (`commune_code` null). */
export type PovertyCounts = Omit<PovertyYearRollupTable, 'year' | 'commune_code'> & { commune_code: string | null };

/** A year's counts where no household was reviewed. */
export const NO_POVERTY_COUNTS: Readonly<Omit<PovertyCounts, 'commune_code'>> = {
  reviewed: 0,
  periodic: 0,
  poor: 0,
  near_poor: 0,
  newly_poor: 0,
  escaped_poverty: 0,
  newly_near_poor: 0,
  escaped_near_poverty: 0,
};

/**
 * Poverty counts of one review year, per commune (`perCommune`) or for the city, each household
 * counted once by its latest review in the year: sums of poverty_year_rollup, which every
 * review keeps current in its own transaction (refreshReviewYearRollups).
 */
export async function povertyCounts(db: DB, year: number, perCommune: boolean): Promise<PovertyCounts[]> {
  const group = perCommune ? sql`commune_code` : sql`NULL::text`;
  const { rows } = await sql<PovertyCounts>`
    SELECT ${group} AS commune_code,
      sum(reviewed)::int AS reviewed, sum(periodic)::int AS periodic, sum(poor)::int AS poor, sum(near_poor)::int AS near_poor,
      sum(newly_poor)::int AS newly_poor, sum(escaped_poverty)::int AS escaped_poverty,
      sum(newly_near_poor)::int AS newly_near_poor, sum(escaped_near_poverty)::int AS escaped_near_poverty
    FROM poverty_year_rollup WHERE year = ${year} GROUP BY 1`.execute(db);
  return rows;
}

/**
 * Per commune: poor and near-poor households by each household's latest review on or before
 * `asOf`, as the sum of the day-by-day changes up to that date (poverty_status_change).
 */
export async function povertyStatusCounts(db: DB, asOf: string): Promise<Array<{ commune_code: string; poor: number; near_poor: number }>> {
  const { rows } = await sql<{ commune_code: string; poor: number; near_poor: number }>`
    SELECT commune_code, sum(poor)::int AS poor, sum(near_poor)::int AS near_poor
    FROM poverty_status_change WHERE change_date <= ${asOf}::date GROUP BY commune_code`.execute(db);
  return rows;
}

export interface WhatIfRow {
  commune_code: string;
  reviewed: number;
  current_poor: number;
  current_near_poor: number;
  poor: number;
  near_poor: number;
}

/**
 * Each household's latest review of `year` scored under `standardCode`, per commune, from the
 * rollups (see refreshReviewYearRollups for the rules).
 */
export async function whatIfCounts(db: DB, year: number, standardCode: string): Promise<WhatIfRow[]> {
  const { rows } = await sql<WhatIfRow>`
    SELECT y.commune_code, y.reviewed, y.poor AS current_poor, y.near_poor AS current_near_poor, w.poor, w.near_poor
    FROM poverty_year_rollup y
    JOIN poverty_whatif_rollup w ON w.year = y.year AND w.commune_code = y.commune_code AND w.standard_code = ${standardCode}
    WHERE y.year = ${year}`.execute(db);
  return rows;
}

/**
 * Recomputes the review-year rollups of `year` from the reviews: for the communes given (the
 * ones a new review touched), or for every commune. Each household counts once, by its latest
 * review of the year. The what-if rows score that review again under every standard, with the
 * same rules as `score()` in standard.ts (a test holds the two to the same answers): at or
 * below the line for the commune's kind, poor with at least `poor_min_deprivations` of the
 * standard's indicators, near-poor with fewer.
 *
 * Concurrency: reviews of different households of one commune and year, recorded at once, each
 * recompute the same (year, commune) rows. So that they never collide (a unique violation) nor
 * count from a view that misses the other's review, each first makes sure its rows exist and
 * locks them, in commune order (one order for every writer: no deadlock), and only then reads
 * the reviews: under READ COMMITTED that read starts after the lock was granted, so it sees every
 * review committed by the writers before it. The rows are then updated in place (upserted),
 * never deleted and inserted again: a waiter's lock follows an updated row, but would lose a
 * deleted one. A commune whose last review of the year moved elsewhere keeps a row of zeros.
 * The what-if rows of a (year, commune) are only ever written under that lock.
 */
export async function refreshReviewYearRollups(db: DB, year: number, communeCodes?: readonly string[]): Promise<void> {
  const codes = communeCodes ? [...new Set(communeCodes)].sort() : undefined;
  const inCommunes = codes ? sql`AND commune_code = ANY (${codes}::text[])` : sql``;
  if (codes) {
    await sql`
      INSERT INTO poverty_year_rollup (year, commune_code, reviewed, poor, near_poor, newly_poor, escaped_poverty, newly_near_poor, escaped_near_poverty)
      SELECT ${year}, code, 0, 0, 0, 0, 0, 0, 0 FROM unnest(${codes}::text[]) AS c(code) ORDER BY code
      ON CONFLICT (year, commune_code) DO NOTHING`.execute(db);
  }
  await sql`SELECT commune_code FROM poverty_year_rollup WHERE year = ${year} ${inCommunes} ORDER BY commune_code FOR UPDATE`.execute(db);
  // The households whose latest review of the year can be in those communes: those with a
  // review of the year there.
  const households = codes
    ? sql`AND household_id IN (SELECT household_id FROM poverty_review WHERE year = ${year} AND commune_code = ANY (${codes}::text[]))`
    : sql``;
  const latest = sql`
    SELECT * FROM (
      SELECT DISTINCT ON (household_id) household_id, year, commune_code, kind, classification, transition, income_per_person_monthly, deprivations
      FROM poverty_review WHERE year = ${year} ${households}
      ORDER BY household_id, review_date DESC, id DESC) l
    WHERE true ${inCommunes}`;
  // Every locked row (and, for a whole year, every commune with a review) gets its counts; a
  // row without reviews any more gets zeros.
  const keys = codes
    ? sql`SELECT unnest(${codes}::text[]) AS commune_code`
    : sql`SELECT commune_code FROM poverty_year_rollup WHERE year = ${year} UNION SELECT DISTINCT commune_code FROM poverty_review WHERE year = ${year}`;
  await sql`
    INSERT INTO poverty_year_rollup (year, commune_code, reviewed, periodic, poor, near_poor, newly_poor, escaped_poverty, newly_near_poor, escaped_near_poverty)
    SELECT ${year}, k.commune_code, count(l.household_id)::int,
      count(*) FILTER (WHERE l.kind = 'periodic')::int,
      count(*) FILTER (WHERE l.classification = 'poor')::int,
      count(*) FILTER (WHERE l.classification = 'near_poor')::int,
      count(*) FILTER (WHERE l.transition = 'newly_poor')::int,
      count(*) FILTER (WHERE l.transition = 'escaped_poverty')::int,
      count(*) FILTER (WHERE l.transition = 'newly_near_poor')::int,
      count(*) FILTER (WHERE l.transition = 'escaped_near_poverty')::int
    FROM (${keys}) k LEFT JOIN (${latest}) l ON l.commune_code = k.commune_code
    GROUP BY k.commune_code ORDER BY k.commune_code
    ON CONFLICT (year, commune_code) DO UPDATE SET
      reviewed = excluded.reviewed, periodic = excluded.periodic, poor = excluded.poor, near_poor = excluded.near_poor,
      newly_poor = excluded.newly_poor, escaped_poverty = excluded.escaped_poverty,
      newly_near_poor = excluded.newly_near_poor, escaped_near_poverty = excluded.escaped_near_poverty`.execute(db);
  await sql`DELETE FROM poverty_whatif_rollup WHERE year = ${year} ${inCommunes}`.execute(db);
  await sql`
    WITH standard AS (
      SELECT s.*, array(SELECT i.code FROM poverty_indicator i WHERE i.standard_code = s.code) AS indicator_codes FROM poverty_standard s),
    scored AS (
      SELECT l.year, l.commune_code, s.code AS standard_code,
        l.income_per_person_monthly <= CASE WHEN c.kind = 'ward' THEN s.urban_income_line ELSE s.rural_income_line END AS under_line,
        cardinality(array(SELECT DISTINCT d FROM unnest(l.deprivations) d WHERE d = ANY (s.indicator_codes))) AS deprivation_count,
        s.poor_min_deprivations
      FROM (${latest}) l JOIN commune c ON c.code = l.commune_code CROSS JOIN standard s)
    INSERT INTO poverty_whatif_rollup (year, commune_code, standard_code, poor, near_poor)
    SELECT year, commune_code, standard_code,
      count(*) FILTER (WHERE under_line AND deprivation_count >= poor_min_deprivations)::int,
      count(*) FILTER (WHERE under_line AND deprivation_count < poor_min_deprivations)::int
    FROM scored GROUP BY year, commune_code, standard_code`.execute(db);
}

/**
 * A new review changes the status counts from its date on: its classification counts in its
 * commune, and the household's previous review (the latest until now) stops counting in its
 * own. Reviews are never dated before a household's latest, so nothing later changes.
 */
export async function addStatusChanges(
  db: DB,
  previous: Pick<PovertyReview, 'commune_code' | 'classification'> | undefined,
  review: Pick<PovertyReview, 'commune_code' | 'classification' | 'review_date'>,
): Promise<void> {
  const changes = [{ commune: review.commune_code, sign: 1, classification: review.classification }];
  if (previous) changes.push({ commune: previous.commune_code, sign: -1, classification: previous.classification });
  // In commune order, as every writer does, so that two writers never wait for each other's rows.
  changes.sort((a, b) => (a.commune < b.commune ? -1 : a.commune > b.commune ? 1 : b.sign - a.sign));
  for (const change of changes) {
    const poor = change.classification === 'poor' ? change.sign : 0;
    const nearPoor = change.classification === 'near_poor' ? change.sign : 0;
    if (!poor && !nearPoor) continue;
    await sql`
      INSERT INTO poverty_status_change AS s (commune_code, change_date, poor, near_poor)
      VALUES (${change.commune}, ${review.review_date}::date, ${poor}, ${nearPoor})
      ON CONFLICT (commune_code, change_date) DO UPDATE SET poor = s.poor + excluded.poor, near_poor = s.near_poor + excluded.near_poor`.execute(db);
  }
}

/**
 * Every poverty rollup recomputed from the reviews (after a bulk load): a year at a time, and
 * the status changes a slice of households at a time (one statement over every review runs
 * the embedded database short of memory at city scale).
 */
export async function rebuildPovertyRollups(db: DB): Promise<void> {
  await sql`TRUNCATE poverty_year_rollup, poverty_whatif_rollup, poverty_status_change`.execute(db);
  const { rows: years } = await sql<{ year: number }>`SELECT DISTINCT year FROM poverty_review ORDER BY year`.execute(db);
  for (const { year } of years) await refreshReviewYearRollups(db, year);
  const { rows } = await sql<{ max: string | null }>`SELECT max(household_id)::text AS max FROM poverty_review`.execute(db);
  const maxId = Number(rows[0]?.max ?? 0);
  for (let from = 0; from <= maxId; from += STATUS_SLICE) {
    await sql`
      WITH r AS (
        SELECT commune_code, review_date, classification,
          lead(review_date) OVER (PARTITION BY household_id ORDER BY review_date, id) AS next_date
        FROM poverty_review WHERE household_id > ${from} AND household_id <= ${from + STATUS_SLICE}),
      changes AS (
        SELECT commune_code, review_date AS change_date, (classification = 'poor')::int AS poor, (classification = 'near_poor')::int AS near_poor FROM r
        UNION ALL
        SELECT commune_code, next_date, -(classification = 'poor')::int, -(classification = 'near_poor')::int FROM r WHERE next_date IS NOT NULL)
      INSERT INTO poverty_status_change AS s (commune_code, change_date, poor, near_poor)
      SELECT commune_code, change_date, sum(poor)::int, sum(near_poor)::int FROM changes GROUP BY commune_code, change_date
      ON CONFLICT (commune_code, change_date) DO UPDATE SET poor = s.poor + excluded.poor, near_poor = s.near_poor + excluded.near_poor`.execute(db);
  }
}

const STATUS_SLICE = 100_000;

/** What the rollups read of the reviews: parallel columns, one entry a review, in id order. */
export interface ReviewColumns {
  household: readonly number[];
  commune: readonly string[];
  year: readonly number[];
  kind: readonly string[];
  reviewDate: readonly string[];
  income: readonly number[];
  deprivations: ReadonlyArray<readonly string[]>;
  classification: readonly Classification[];
  transition: readonly Transition[];
}

export interface PovertyRollups {
  years: PovertyYearRollupTable[];
  whatIf: PovertyWhatIfRollupTable[];
  statusChanges: PovertyStatusChangeTable[];
}

/**
 * The rows rebuildPovertyRollups derives in SQL, derived here from the reviews in memory (the
 * city data set: its generator runs in a worker thread, and the database's thread, which the
 * SQL would take, is the first start's bottleneck). The same rules: a household counts once a
 * year, by its latest review of the year (by date, then id), in that review's commune; the
 * what-if rows score that review again under every standard with `score()`, the scorer of
 * recorded reviews (poor and near-poor are the classifications at or below the line); a
 * review's classification counts in its commune from its date until the household's next
 * review (by date, then id). Rows in primary-key order. `communeKinds`: every commune a review
 * names.
 */
export function derivePovertyRollups(
  reviews: ReviewColumns,
  communeKinds: ReadonlyMap<string, CommuneKind>,
  standards: readonly StandardRules[],
): PovertyRollups {
  const latest = latestOfYears(reviews);
  const years = new Map<string, PovertyYearRollupTable>();
  const whatIf = new Map<string, PovertyWhatIfRollupTable>();
  for (const i of latest) {
    const year = reviews.year[i]!;
    const commune = reviews.commune[i]!;
    const key = `${year}|${commune}`;
    let row = years.get(key);
    if (!row) {
      row = { year, commune_code: commune, ...NO_POVERTY_COUNTS };
      years.set(key, row);
    }
    row.reviewed++;
    if (reviews.kind[i] === 'periodic') row.periodic++;
    const classification = reviews.classification[i]!;
    if (classification === 'poor' || classification === 'near_poor') row[classification]++;
    const transition = reviews.transition[i]!;
    if (transition !== 'unchanged') row[transition]++;
    const communeKind = communeKinds.get(commune);
    if (!communeKind) throw new Error(`derivePovertyRollups: no kind for commune ${commune}`);
    for (const rules of standards) {
      const whatIfKey = `${year}|${rules.code}|${commune}`;
      let cell = whatIf.get(whatIfKey);
      if (!cell) whatIf.set(whatIfKey, (cell = { year, commune_code: commune, standard_code: rules.code, poor: 0, near_poor: 0 }));
      const scored = score(rules, { communeKind, incomePerPersonMonthly: reviews.income[i]!, deprivations: reviews.deprivations[i]! }).classification;
      if (scored === 'poor' || scored === 'near_poor') cell[scored]++;
    }
  }
  return {
    years: [...years.values()].sort((a, b) => a.year - b.year || cmp(a.commune_code, b.commune_code)),
    whatIf: [...whatIf.values()].sort((a, b) => a.year - b.year || cmp(a.standard_code, b.standard_code) || cmp(a.commune_code, b.commune_code)),
    statusChanges: statusChanges(reviews),
  };
}

/** The index of each household's latest review of each year: the last by date, then id. */
function latestOfYears(reviews: ReviewColumns): number[] {
  const latest = new Map<string, number>();
  for (let i = 0; i < reviews.household.length; i++) {
    const key = `${reviews.household[i]!}|${reviews.year[i]!}`;
    const before = latest.get(key);
    // Ids grow with the index: a later index wins a tie on the date.
    if (before === undefined || reviews.reviewDate[i]! >= reviews.reviewDate[before]!) latest.set(key, i);
  }
  return [...latest.values()];
}

/** Each review's +1 on its date and, if the household has a later review, -1 on that one's date. */
function statusChanges(reviews: ReviewColumns): PovertyStatusChangeTable[] {
  const order = Array.from(reviews.household, (_, i) => i).sort(
    (a, b) => reviews.household[a]! - reviews.household[b]! || cmp(reviews.reviewDate[a]!, reviews.reviewDate[b]!) || a - b,
  );
  const changes = new Map<string, PovertyStatusChangeTable>();
  const add = (commune: string, date: string, classification: Classification, sign: number) => {
    const key = `${commune}|${date}`;
    let row = changes.get(key);
    if (!row) changes.set(key, (row = { commune_code: commune, change_date: date, poor: 0, near_poor: 0 }));
    if (classification === 'poor' || classification === 'near_poor') row[classification] += sign;
  };
  order.forEach((i, k) => {
    const commune = reviews.commune[i]!;
    const classification = reviews.classification[i]!;
    add(commune, reviews.reviewDate[i]!, classification, 1);
    const next = order[k + 1];
    if (next !== undefined && reviews.household[next] === reviews.household[i]) add(commune, reviews.reviewDate[next]!, classification, -1);
  });
  return [...changes.values()].sort((a, b) => cmp(a.commune_code, b.commune_code) || cmp(a.change_date, b.change_date));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Replaces the poverty rollups by `derived` (derivePovertyRollups of every review there is), in
 * the transaction that emptied and loaded the reviews: the city data set's.
 */
export async function writePovertyRollups(db: DB, derived: PovertyRollups): Promise<void> {
  await sql`TRUNCATE poverty_year_rollup, poverty_whatif_rollup, poverty_status_change`.execute(db);
  await bulkRows(db, 'poverty_year_rollup', derived.years, {
    year: 'int4',
    commune_code: 'text',
    reviewed: 'int4',
    periodic: 'int4',
    poor: 'int4',
    near_poor: 'int4',
    newly_poor: 'int4',
    escaped_poverty: 'int4',
    newly_near_poor: 'int4',
    escaped_near_poverty: 'int4',
  });
  await bulkRows(db, 'poverty_whatif_rollup', derived.whatIf, { year: 'int4', commune_code: 'text', standard_code: 'text', poor: 'int4', near_poor: 'int4' });
  await bulkRows(db, 'poverty_status_change', derived.statusChanges, { commune_code: 'text', change_date: 'date', poor: 'int4', near_poor: 'int4' });
}

/** Rows into an emptied table, one column a key of `types` (its Postgres type). */
function bulkRows<R extends object>(db: DB, table: keyof RegistryDatabase, rows: readonly R[], types: Record<keyof R, string>): Promise<number> {
  const names = Object.keys(types) as Array<keyof R & string>;
  return bulkInsert(
    db,
    table,
    names.map((name) => ({ name, type: types[name] })),
    names.map((name) => rows.map((row) => row[name])),
    { emptied: true },
  );
}

export function findStandards(db: DB): Promise<PovertyStandard[]> {
  return db.selectFrom('poverty_standard').selectAll().orderBy('valid_from').execute();
}

export function findStandardsByCodes(db: DB, codes: readonly string[]): Promise<PovertyStandard[]> {
  return db
    .selectFrom('poverty_standard')
    .selectAll()
    .where('code', 'in', codes.length ? [...codes] : [''])
    .execute();
}

/** The standard whose review years include `year`. */
export function findStandardForYear(db: DB, year: number): Promise<PovertyStandard | undefined> {
  return db
    .selectFrom('poverty_standard')
    .selectAll()
    .where('first_review_year', '<=', year)
    .where('last_review_year', '>=', year)
    .orderBy('valid_from', 'desc')
    .executeTakeFirst();
}

export function findIndicatorsByStandards(db: DB, standardCodes: readonly string[]): Promise<PovertyIndicator[]> {
  return db
    .selectFrom('poverty_indicator')
    .selectAll()
    .where('standard_code', 'in', standardCodes.length ? [...standardCodes] : [''])
    .orderBy('standard_code')
    .orderBy('position')
    .execute();
}

export function insertHousehold(db: DB, household: { commune_code: string; address: string }): Promise<Household> {
  return db.insertInto('household').values(household).returningAll().executeTakeFirstOrThrow();
}

export function insertMembers(db: DB, members: NewHouseholdMember[]): Promise<HouseholdMember[]> {
  return db.insertInto('household_member').values(members).returningAll().execute();
}

export function findNationalIds(db: DB, nationalIds: readonly string[]): Promise<Array<{ national_id: string | null; household_id: number }>> {
  return db
    .selectFrom('household_member')
    .select(['national_id', 'household_id'])
    .where('national_id', 'in', nationalIds.length ? [...nationalIds] : [''])
    .execute();
}

/**
 * Locks the household row for the rest of the transaction, so that two reviews recorded at
 * once for the same household are scored one after the other (each sees the other as its
 * previous review).
 */
export function lockHousehold(db: DB, id: number): Promise<(Household & { commune_kind: CommuneKind }) | undefined> {
  return db
    .selectFrom('household as h')
    .innerJoin('commune as c', 'c.code', 'h.commune_code')
    .selectAll('h')
    .select('c.kind as commune_kind')
    .where('h.id', '=', id)
    .forUpdate('h')
    .executeTakeFirst();
}

export function findLatestReview(db: DB, householdId: number): Promise<PovertyReview | undefined> {
  return db
    .selectFrom('poverty_review')
    .selectAll()
    .where('household_id', '=', householdId)
    .orderBy('review_date', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function insertReview(db: DB, review: NewPovertyReview): Promise<PovertyReview> {
  return db.insertInto('poverty_review').values(review).returningAll().executeTakeFirstOrThrow();
}

export function touchHousehold(db: DB, id: number): Promise<unknown> {
  return db
    .updateTable('household')
    .set({ updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Members of the households of these communes (null: every commune) beside their head's year
 * of birth, for the relation-age rule (AGE_INCONSISTENT_WITH_RELATION); only the relations the
 * rule constrains. One statement, however many households.
 */
export function findMembersWithHeadBirthYear(
  db: DB,
  communeCodes: readonly string[] | null,
  relations: readonly Relation[],
): Promise<Array<{ id: number; household_id: number; commune_code: string; relation: Relation; birth_year: number; head_birth_year: number }>> {
  let q = db
    .selectFrom('household_member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .innerJoin('household_member as head', (j) => j.onRef('head.household_id', '=', 'm.household_id').on('head.relation', '=', 'head'))
    .select(['m.id', 'm.household_id', 'h.commune_code', 'm.relation', 'm.birth_year', 'head.birth_year as head_birth_year'])
    .where('m.relation', 'in', [...relations])
    .orderBy('m.household_id')
    .orderBy('m.id');
  if (communeCodes) q = q.where('h.commune_code', 'in', communeCodes.length ? [...communeCodes] : ['-']);
  return q.execute();
}

/**
 * The latest review of `year` of each household now registered in these communes (null: every
 * commune), with the household's commune: for the departments' consistency checks. One
 * statement (DISTINCT ON keeps each household's last review by date, then id, as
 * `Household.latestReview(year)` does).
 */
export function findLatestReviewsOfYear(
  db: DB,
  communeCodes: readonly string[] | null,
  year: number,
): Promise<Array<Pick<PovertyReview, 'id' | 'household_id' | 'review_date' | 'income_per_person_monthly' | 'deprivations'> & { commune_code: string }>> {
  let q = db
    .selectFrom('poverty_review as r')
    .innerJoin('household as h', 'h.id', 'r.household_id')
    .distinctOn('r.household_id')
    .select(['r.id', 'r.household_id', 'h.commune_code', 'r.review_date', 'r.income_per_person_monthly', 'r.deprivations'])
    .where('r.year', '=', year)
    .orderBy('r.household_id')
    .orderBy('r.review_date', 'desc')
    .orderBy('r.id', 'desc');
  if (communeCodes) q = q.where('h.commune_code', 'in', communeCodes.length ? [...communeCodes] : ['-']);
  return q.execute();
}

/**
 * The classification of the latest review of each of `years` of each household now registered
 * in these communes (null: every commune): the lists in force, for the departments' consistency
 * checks. One statement.
 */
export function findClassificationsOfYears(
  db: DB,
  communeCodes: readonly string[] | null,
  years: readonly number[],
): Promise<Array<{ household_id: number; year: number; classification: Classification }>> {
  let q = db
    .selectFrom('poverty_review as r')
    .innerJoin('household as h', 'h.id', 'r.household_id')
    .distinctOn(['r.household_id', 'r.year'])
    .select(['r.household_id', 'r.year', 'r.classification'])
    .where('r.year', 'in', years.length ? [...years] : [-1])
    .orderBy('r.household_id')
    .orderBy('r.year')
    .orderBy('r.review_date', 'desc')
    .orderBy('r.id', 'desc');
  if (communeCodes) q = q.where('h.commune_code', 'in', communeCodes.length ? [...communeCodes] : ['-']);
  return q.execute();
}
