import { sql, type Kysely } from 'kysely';
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
} from './db/tables.js';

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
  return db.selectFrom('household').selectAll().where('id', '=', sql<number>`any(${[...ids]}::int8[])`).execute();
}

export function findMembersByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<HouseholdMember[]> {
  return db
    .selectFrom('household_member')
    .selectAll()
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    // Head first, then the rest in the order they were registered.
    .orderBy(sql`relation = 'head'`, 'desc')
    .orderBy('id')
    .execute();
}

export function findMembersByIds(db: DB, ids: readonly number[]): Promise<HouseholdMember[]> {
  return db.selectFrom('household_member').selectAll().where('id', '=', sql<number>`any(${[...ids]}::int8[])`).execute();
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
  const row = await householdListBase(db, query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface PovertyCounts {
  commune_code: string | null;
  reviewed: number;
  poor: number;
  near_poor: number;
  newly_poor: number;
  escaped_poverty: number;
  newly_near_poor: number;
  escaped_near_poverty: number;
}

/**
 * Poverty counts of one review year, per commune (`perCommune`) or for the city, each household
 * counted once by its latest review in the year.
 */
export async function povertyCounts(db: DB, year: number, perCommune: boolean): Promise<PovertyCounts[]> {
  const group = perCommune ? sql`commune_code` : sql`NULL::char(5)`;
  const { rows } = await sql<PovertyCounts>`
    WITH latest AS (
      SELECT DISTINCT ON (household_id) household_id, commune_code, classification, transition
      FROM poverty_review WHERE year = ${year}
      ORDER BY household_id, review_date DESC, id DESC)
    SELECT ${group} AS commune_code,
      count(*)::int AS reviewed,
      count(*) FILTER (WHERE classification = 'poor')::int AS poor,
      count(*) FILTER (WHERE classification = 'near_poor')::int AS near_poor,
      count(*) FILTER (WHERE transition = 'newly_poor')::int AS newly_poor,
      count(*) FILTER (WHERE transition = 'escaped_poverty')::int AS escaped_poverty,
      count(*) FILTER (WHERE transition = 'newly_near_poor')::int AS newly_near_poor,
      count(*) FILTER (WHERE transition = 'escaped_near_poverty')::int AS escaped_near_poverty
    FROM latest GROUP BY 1`.execute(db);
  return rows;
}

/** Per commune: poor and near-poor households by each household's latest review on or before `asOf`. */
export async function povertyStatusCounts(db: DB, asOf: string): Promise<Array<{ commune_code: string; poor: number; near_poor: number }>> {
  const { rows } = await sql<{ commune_code: string; poor: number; near_poor: number }>`
    WITH latest AS (
      SELECT DISTINCT ON (household_id) commune_code, classification
      FROM poverty_review WHERE review_date <= ${asOf}::date
      ORDER BY household_id, review_date DESC, id DESC)
    SELECT commune_code,
      count(*) FILTER (WHERE classification = 'poor')::int AS poor,
      count(*) FILTER (WHERE classification = 'near_poor')::int AS near_poor
    FROM latest GROUP BY commune_code`.execute(db);
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
 * Re-scores each household's latest review of `year` under `standardCode`, per commune. The
 * rules are the same as `score()` in standard.ts (a test holds the two to the same answers):
 * at or below the line for the commune's kind, poor with at least `poor_min_deprivations` of
 * the standard's indicators, near-poor with fewer.
 */
export async function whatIfCounts(db: DB, year: number, standardCode: string): Promise<WhatIfRow[]> {
  const { rows } = await sql<WhatIfRow>`
    WITH latest AS (
      SELECT DISTINCT ON (household_id) household_id, commune_code, classification, income_per_person_monthly, deprivations
      FROM poverty_review WHERE year = ${year}
      ORDER BY household_id, review_date DESC, id DESC),
    standard AS (
      SELECT s.*, array(SELECT i.code FROM poverty_indicator i WHERE i.standard_code = s.code) AS indicator_codes
      FROM poverty_standard s WHERE s.code = ${standardCode}),
    scored AS (
      SELECT l.commune_code, l.classification,
        l.income_per_person_monthly <= CASE WHEN c.kind = 'ward' THEN s.urban_income_line ELSE s.rural_income_line END AS under_line,
        cardinality(array(SELECT DISTINCT d FROM unnest(l.deprivations) d WHERE d = ANY (s.indicator_codes))) AS deprivation_count,
        s.poor_min_deprivations
      FROM latest l JOIN commune c ON c.code = l.commune_code CROSS JOIN standard s)
    SELECT commune_code,
      count(*)::int AS reviewed,
      count(*) FILTER (WHERE classification = 'poor')::int AS current_poor,
      count(*) FILTER (WHERE classification = 'near_poor')::int AS current_near_poor,
      count(*) FILTER (WHERE under_line AND deprivation_count >= poor_min_deprivations)::int AS poor,
      count(*) FILTER (WHERE under_line AND deprivation_count < poor_min_deprivations)::int AS near_poor
    FROM scored GROUP BY commune_code`.execute(db);
  return rows;
}

export function findStandards(db: DB): Promise<PovertyStandard[]> {
  return db.selectFrom('poverty_standard').selectAll().orderBy('valid_from').execute();
}

export function findStandardsByCodes(db: DB, codes: readonly string[]): Promise<PovertyStandard[]> {
  return db.selectFrom('poverty_standard').selectAll().where('code', 'in', codes.length ? [...codes] : ['']).execute();
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
  return db.updateTable('household').set({ updated_at: sql`now()` }).where('id', '=', id).execute();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
