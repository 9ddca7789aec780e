import { sql, type Kysely } from 'kysely';
import { isWorkingDay } from '../../db/generate/calendar.js';

/**
 * Plausibility measures of the generated city, read from the databases as a statistician would
 * (SQL over every department's tables, schema-qualified: a test may read across departments, a
 * subgraph never does). Each measure has bounds in tests/plausibility.test.ts; docs/data.md
 * gives their values before and after issue 17.
 */
export type Measures = Record<string, number>;

/** The communes of the former districts of Ba Vì, Mỹ Đức and Ứng Hòa (names since July 2025). */
export const REMOTE_COMMUNES = [
  'Ba Vì',
  'Yên Bài',
  'Suối Hai',
  'Bất Bạt',
  'Minh Châu',
  'Quảng Oai',
  'Vật Lại',
  'Cổ Đô',
  'Mỹ Đức',
  'Hồng Sơn',
  'Phúc Sơn',
  'Hương Sơn',
  'Vân Đình',
  'Ứng Thiên',
  'Hòa Xá',
  'Ứng Hòa',
];

async function one(db: Kysely<any>, query: ReturnType<typeof sql>): Promise<number> {
  const { rows } = await query.execute(db);
  const value = Object.values((rows[0] ?? {}) as Record<string, unknown>)[0];
  return value === null || value === undefined ? 0 : Number(value);
}

/** Every measure, on a database where the city data set was generated. */
export async function measure(db: Kysely<any>): Promise<Measures> {
  const m: Measures = {};

  // ---- Families and names.
  m.parentsNotOlderThanHead = await one(
    db,
    sql`
    SELECT count(*) FROM registry.household_member p JOIN registry.household_member h ON h.household_id = p.household_id AND h.relation = 'head'
    WHERE p.relation = 'parent' AND p.birth_year >= h.birth_year`,
  );
  m.parents = await one(db, sql`SELECT count(*) FROM registry.household_member WHERE relation = 'parent'`);
  m.mixedSexCoupleShare = await one(
    db,
    sql`
    SELECT avg((s.sex <> h.sex)::int) FROM registry.household_member s JOIN registry.household_member h ON h.household_id = s.household_id AND h.relation = 'head'
    WHERE s.relation = 'spouse'`,
  );
  m.wivesWithHusbandsFamilyNameShare = await one(
    db,
    sql`
    SELECT avg((split_part(s.full_name, ' ', 1) = split_part(h.full_name, ' ', 1))::int)
    FROM registry.household_member s JOIN registry.household_member h ON h.household_id = s.household_id AND h.relation = 'head'
    WHERE s.relation = 'spouse' AND s.sex = 'female' AND h.sex = 'male'`,
  );
  m.members = await one(db, sql`SELECT count(*) FROM registry.household_member`);
  m.distinctFullNames = await one(db, sql`SELECT count(DISTINCT full_name) FROM registry.household_member`);
  m.nguyenShare = await one(db, sql`SELECT avg((split_part(full_name, ' ', 1) = 'Nguyễn')::int) FROM registry.household_member`);
  m.households = await one(db, sql`SELECT count(*) FROM registry.household`);
  m.meanHouseholdSize = m.members / Math.max(1, m.households);
  const sizes = await sql<{ n: number; households: number }>`
    SELECT n, count(*)::int AS households FROM (SELECT count(*)::int AS n FROM registry.household_member GROUP BY household_id) s GROUP BY n ORDER BY n`.execute(
    db,
  );
  m.largestHousehold = Math.max(0, ...sizes.rows.map((r) => r.n));
  m.householdsOfFourOrMoreShare = sizes.rows.filter((r) => r.n >= 4).reduce((a, r) => a + r.households, 0) / Math.max(1, m.households);
  m.singlePersonShare = (sizes.rows.find((r) => r.n === 1)?.households ?? 0) / Math.max(1, m.households);

  // ---- Credit: capital entrusted by year, the calendar, the borrowing share.
  for (const year of [2021, 2022, 2023, 2024]) {
    m[`capitalEntrusted${year}`] = await one(db, sql`SELECT coalesce(sum(amount), 0) FROM credit.capital_entrusted WHERE year = ${year}`);
  }
  const { rows: days } = await sql<{ day: string; loans: number }>`
    SELECT to_char(disbursed_on, 'YYYY-MM-DD') AS day, count(*)::int AS loans FROM credit.loan GROUP BY 1`.execute(db);
  m.loansOnNonWorkingDays = days.filter((d) => !isWorkingDay(d.day)).reduce((a, d) => a + d.loans, 0);
  m.loans = days.reduce((a, d) => a + d.loans, 0);
  m.borrowers2021To2024 = await one(db, sql`SELECT count(DISTINCT household_id) FROM credit.loan WHERE disbursed_on BETWEEN '2021-01-01' AND '2024-12-31'`);
  m.borrowingShare = m.borrowers2021To2024 / Math.max(1, m.households);

  // ---- Employment: placements among working-age members of households on the 2024 lists.
  m.listedWorkingAgePlacedShare2024 = await one(
    db,
    sql`
    WITH listed AS (
      SELECT DISTINCT ON (household_id) household_id, classification FROM registry.poverty_review WHERE year = 2023
      ORDER BY household_id, review_date DESC, id DESC),
    people AS (
      SELECT m.id FROM registry.household_member m JOIN listed l ON l.household_id = m.household_id
      WHERE l.classification IN ('poor', 'near_poor') AND 2024 - m.birth_year BETWEEN 16 AND 60)
    SELECT avg((EXISTS (SELECT 1 FROM employment.job_placement j WHERE j.member_id = people.id AND j.placed_on BETWEEN '2024-01-01' AND '2024-12-31'))::int) FROM people`,
  );

  // ---- Geography.
  const near = await sql<{ name: string; kind: string; n: number }>`
    WITH latest AS (
      SELECT DISTINCT ON (household_id) household_id, commune_code, classification FROM registry.poverty_review WHERE year = 2024
      ORDER BY household_id, review_date DESC, id DESC)
    SELECT c.name, c.kind, count(*)::int AS n FROM latest l JOIN registry.commune c ON c.code = l.commune_code
    WHERE l.classification = 'near_poor' GROUP BY c.name, c.kind ORDER BY n DESC, c.name`.execute(db);
  const nearTotal = near.rows.reduce((a, r) => a + r.n, 0);
  m.nearPoor2024 = nearTotal;
  m.nearPoorInRemoteCommunesShare = near.rows.filter((r) => REMOTE_COMMUNES.includes(r.name)).reduce((a, r) => a + r.n, 0) / Math.max(1, nearTotal);
  m.nearPoorInWardsShare = near.rows.filter((r) => r.kind === 'ward').reduce((a, r) => a + r.n, 0) / Math.max(1, nearTotal);
  m.batTrangIsTopNearPoor = near.rows[0]?.name === 'Bát Tràng' ? 1 : 0;
  m.topNearPoorCommuneIsRemote = near.rows[0] && REMOTE_COMMUNES.includes(near.rows[0].name) ? 1 : 0;
  // The 43 first wards (the published 43 without poor or near-poor since the 2024 review).
  const central = sql`(SELECT code FROM registry.commune WHERE kind = 'ward' ORDER BY position LIMIT 43)`;
  m.centralWardsEverReviewed = await one(db, sql`SELECT count(DISTINCT commune_code) FROM registry.poverty_review WHERE commune_code IN ${central}`);
  m.centralWardsListedIn2024 = await one(
    db,
    sql`
    SELECT count(*) FROM (SELECT DISTINCT ON (household_id) commune_code, classification FROM registry.poverty_review WHERE year = 2024
      ORDER BY household_id, review_date DESC, id DESC) l WHERE l.classification IN ('poor', 'near_poor') AND l.commune_code IN ${central}`,
  );
  const counts = await sql<{ households: number }>`SELECT households FROM registry.commune_household_count WHERE year = 2024`.execute(db);
  const sizesByCommune = counts.rows.map((r) => Number(r.households));
  m.communeHouseholdsMaxOverMin = Math.max(...sizesByCommune) / Math.max(1, Math.min(...sizesByCommune));

  // ---- Review calendar.
  m.periodicReviewsOutsideWindow = await one(
    db,
    sql`
    SELECT count(*) FROM registry.poverty_review WHERE kind = 'periodic' AND to_char(review_date, 'MM-DD') NOT BETWEEN '09-01' AND '12-14'`,
  );

  // ---- Departments agree (the few planted disagreements are all that is left).
  // Deprived on health insurance while every member born by the review's year holds a
  // supported card valid on the review's date.
  m.insuredButDeprived = await one(
    db,
    sql`
    SELECT count(*) FROM registry.poverty_review r
    WHERE 'health_insurance' = ANY (r.deprivations)
      AND NOT EXISTS (
        SELECT 1 FROM registry.household_member m WHERE m.household_id = r.household_id AND m.birth_year <= r.year
          AND NOT EXISTS (SELECT 1 FROM social_insurance.health_insurance_support c WHERE c.member_id = m.id AND r.review_date BETWEEN c.valid_from AND c.valid_to))`,
  );
  m.reviewsMarkingHealthInsurance = await one(db, sql`SELECT count(*) FROM registry.poverty_review WHERE 'health_insurance' = ANY (deprivations)`);
  // The reviewed income of the whole household far below (under half of) the monthly wages of
  // its members placed in jobs in the review's year up to the review.
  m.wagesFarAboveReviewedIncome = await one(
    db,
    sql`
    WITH r AS (
      SELECT DISTINCT ON (household_id, year) household_id, year, review_date, income_per_person_monthly FROM registry.poverty_review
      WHERE classification IN ('poor', 'near_poor') ORDER BY household_id, year, review_date DESC, id DESC),
    w AS (
      SELECT r.household_id, r.year, r.income_per_person_monthly,
        (SELECT count(*) FROM registry.household_member m WHERE m.household_id = r.household_id) AS members,
        (SELECT sum(j.monthly_wage) FROM employment.job_placement j
          WHERE j.household_id = r.household_id AND j.placed_on BETWEEN make_date(r.year, 1, 1) AND r.review_date) AS wages
      FROM r)
    SELECT count(*) FROM w WHERE wages IS NOT NULL AND income_per_person_monthly * members * 2 < wages`,
  );
  const housing = await housingLinesWithoutLoan(db);
  m.vbspHousingLines = housing.lines;
  m.vbspHousingLinesWithoutLoan = housing.unmatched;
  return m;
}

/** VBSP housing-loan funding lines whose household has no HOUSING_POOR loan of that amount in credit. */
export async function housingLinesWithoutLoan(db: Kysely<any>): Promise<{ lines: number; unmatched: number }> {
  const lines = await one(db, sql`SELECT count(*) FROM housing.housing_funding_line WHERE source = 'vbsp_housing_loan'`);
  const unmatched = await one(
    db,
    sql`
    SELECT count(*) FROM housing.housing_funding_line f JOIN housing.housing_case c ON c.id = f.case_id
    WHERE f.source = 'vbsp_housing_loan'
      AND NOT EXISTS (SELECT 1 FROM credit.loan l WHERE l.household_id = c.household_id AND l.programme_code = 'HOUSING_POOR' AND l.principal = f.amount)`,
  );
  return { lines, unmatched };
}
