import { sql, type Kysely } from 'kysely';
import { withRollups } from '../../platform/rollups.js';
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
  PovertyYearRollupTable,
  Relation,
} from './db/tables.js';
import { povertyRollups } from './rollups.js';

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
 * review keeps current in its own transaction (insertReview; the rule is in rollups.ts).
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
 * rollups (see rollups.ts for the rules). A commune with reviews but neither poor nor near-poor
 * under the standard may have no what-if row (rows of zeros are left out): it counts 0.
 */
export async function whatIfCounts(db: DB, year: number, standardCode: string): Promise<WhatIfRow[]> {
  const { rows } = await sql<WhatIfRow>`
    SELECT y.commune_code, y.reviewed, y.poor AS current_poor, y.near_poor AS current_near_poor,
      coalesce(w.poor, 0) AS poor, coalesce(w.near_poor, 0) AS near_poor
    FROM poverty_year_rollup y
    LEFT JOIN poverty_whatif_rollup w ON w.year = y.year AND w.commune_code = y.commune_code AND w.standard_code = ${standardCode}
    WHERE y.year = ${year} AND y.reviewed > 0`.execute(db);
  return rows;
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

/**
 * Writes a review and moves the poverty rollups by it (the household's share before and after),
 * in the same transaction: the year's counts of the communes of this review and of the one it
 * replaces as the year's latest, and the status changes from its date on.
 */
export function insertReview(db: DB, review: NewPovertyReview): Promise<PovertyReview> {
  return withRollups(db, povertyRollups, [review.household_id], (trx) =>
    trx.insertInto('poverty_review').values(review).returningAll().executeTakeFirstOrThrow(),
  );
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
