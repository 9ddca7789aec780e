import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dateSegments, FIRST_DAY, inSegments } from '../../platform/date-segments.js';
import { withRollups } from '../../platform/rollups.js';
import { AREA, type CardFacts } from './coverage.js';
import type {
  ElectricitySubsidy,
  EmergencyRelief,
  HealthInsuranceSupport,
  NewElectricitySubsidy,
  NewEmergencyRelief,
  NewHealthInsuranceSupport,
  NewSocialAllowance,
  NewTuitionSupport,
  NewVoluntaryInsuranceSupport,
  SocialAllowance,
  SocialInsuranceDatabase,
  SupportGroup,
  TuitionSupport,
  VoluntaryInsuranceSupport,
} from './db/tables.js';
import { healthInsuranceRollupSet } from './rollups.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<SocialInsuranceDatabase>;

const ids = (values: readonly number[]) => sql<number>`any(${[...values]}::int8[])`;

// ---- a household's records (newest first) ----

export function findHealthInsuranceByHouseholds(db: DB, householdIds: readonly number[]): Promise<HealthInsuranceSupport[]> {
  return db
    .selectFrom('health_insurance_support')
    .selectAll()
    .where('household_id', '=', ids(householdIds))
    .orderBy('valid_from', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findVoluntaryByHouseholds(db: DB, householdIds: readonly number[]): Promise<VoluntaryInsuranceSupport[]> {
  return db
    .selectFrom('voluntary_insurance_support')
    .selectAll()
    .where('household_id', '=', ids(householdIds))
    .orderBy('paid_on', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findTuitionByHouseholds(db: DB, householdIds: readonly number[]): Promise<TuitionSupport[]> {
  return db
    .selectFrom('tuition_support')
    .selectAll()
    .where('household_id', '=', ids(householdIds))
    .orderBy('granted_on', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findElectricityByHouseholds(db: DB, householdIds: readonly number[]): Promise<ElectricitySubsidy[]> {
  return db
    .selectFrom('electricity_subsidy')
    .selectAll()
    .where('household_id', '=', ids(householdIds))
    .orderBy('period_from', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findAllowancesByHouseholds(db: DB, householdIds: readonly number[]): Promise<SocialAllowance[]> {
  return db
    .selectFrom('social_allowance')
    .selectAll()
    .where('household_id', '=', ids(householdIds))
    .orderBy('start_date', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findReliefByHouseholds(db: DB, householdIds: readonly number[]): Promise<EmergencyRelief[]> {
  return db
    .selectFrom('emergency_relief')
    .selectAll()
    .where('household_id', '=', ids(householdIds))
    .orderBy('relief_date', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Cards of these people valid on `date`. */
export function findValidCards(db: DB, memberIds: readonly number[], date: string): Promise<HealthInsuranceSupport[]> {
  return findCardsOverlapping(db, memberIds, date, date);
}

// ---- figures for a period: one statement per kind, per commune (GROUP BY) or for the city ----

export interface Period {
  from: string;
  to: string;
}

/** Rows carry commune_code null for the city (no grouping by commune). */
export interface HealthInsuranceRow {
  commune_code: string | null;
  /** null on the total row of the area. */
  support_group: SupportGroup | null;
  people: number;
  budget: number;
}

/**
 * People: distinct persons with a card valid on at least one day of the period. Budget: the
 * cards granted in the period. Per commune and group, per commune, per group and for the city
 * (a person under two groups counts once in the total), read from the rollups (see the
 * migration 2026_11_29_0900_create_health_insurance_rollups): the budget is a sum over the
 * period's rows; the people are those whose cover in the area had started by `to`, less those
 * whose cover there had stopped by `from`, less those between two spells of cover throughout.
 */
export async function healthInsuranceFigures(db: DB, period: Period, byCommune: boolean): Promise<HealthInsuranceRow[]> {
  const inPeriod = dateSegments(period.from, period.to);
  const upToTo = dateSegments(FIRST_DAY, period.to);
  const upToFrom = dateSegments(FIRST_DAY, period.from);
  const { rows } = await sql<HealthInsuranceRow>`
    WITH flows AS (
      SELECT commune_code, support_group,
        coalesce(sum(budget) FILTER (WHERE ${inSegments(inPeriod)}), 0) AS budget,
        coalesce(sum(people_started) FILTER (WHERE ${inSegments(upToTo)}), 0)
          - coalesce(sum(people_stopped) FILTER (WHERE ${inSegments(upToFrom)}), 0) AS people
      FROM health_insurance_rollup
      WHERE (${inSegments([...inPeriod, ...upToTo, ...upToFrom])}) AND ${byCommune ? sql`commune_code <> ''` : sql`commune_code = ''`}
      GROUP BY commune_code, support_group),
    covering AS (${coveringGaps(sql`gap @> daterange(${period.from}::date, ${period.to}::date, '[]')`, byCommune)})
    SELECT nullif(f.commune_code, '') AS commune_code, nullif(f.support_group, '') AS support_group,
      (f.people - coalesce(c.people, 0))::int8 AS people, f.budget::int8 AS budget
    FROM flows f LEFT JOIN covering c ON c.commune_code = f.commune_code AND c.support_group = f.support_group`.execute(db);
  return rows;
}

/**
 * People per area in a gap matching `condition`, in one pass: a gap row counts in every kind of
 * area its `areas` bits name. Per commune: (commune, group) and (commune); for the city: (group)
 * and the city.
 */
function coveringGaps(condition: RawBuilder<unknown>, byCommune: boolean): RawBuilder<unknown> {
  const [byGroup, total] = byCommune ? [AREA.communeGroup, AREA.commune] : [AREA.group, AREA.city];
  const commune = byCommune ? sql`commune_code` : sql`''::text`;
  const people = sql`CASE WHEN grouping(support_group) = 0 THEN count(*) FILTER (WHERE areas & ${sql.lit(byGroup)} <> 0)
    ELSE count(*) FILTER (WHERE areas & ${sql.lit(total)} <> 0) END`;
  // A gap row of a person's whole commune (or city) has group '' and no per-group bit: its group
  // in the per-group set counts nothing, and is dropped so as not to shadow the total row.
  return sql`
    SELECT ${commune} AS commune_code, coalesce(support_group, '') AS support_group, ${people} AS people
    FROM health_insurance_gap
    WHERE ${condition} AND areas & ${sql.lit(byGroup | total)} <> 0
    GROUP BY GROUPING SETS ((${commune}, support_group), (${commune}))
    HAVING ${people} > 0`;
}

export interface VoluntaryRow {
  commune_code: string | null;
  people: number;
  months: number;
  amount: number;
}

export async function voluntaryFigures(db: DB, period: Period, byCommune: boolean): Promise<VoluntaryRow[]> {
  const { rows } = await sql<VoluntaryRow>`
    SELECT ${byCommune ? sql`commune_code` : sql`NULL::text`} AS commune_code,
      count(DISTINCT member_id)::int8 AS people, sum(months)::int8 AS months, sum(amount)::int8 AS amount
    FROM voluntary_insurance_support
    WHERE paid_on BETWEEN ${period.from}::date AND ${period.to}::date
    ${byCommune ? sql`GROUP BY commune_code` : sql``}`.execute(db);
  return rows.filter((r) => r.people > 0);
}

export interface TuitionRow {
  commune_code: string | null;
  pupils: number;
  amount: number;
}

export async function tuitionFigures(db: DB, period: Period, byCommune: boolean): Promise<TuitionRow[]> {
  const { rows } = await sql<TuitionRow>`
    SELECT ${byCommune ? sql`commune_code` : sql`NULL::text`} AS commune_code,
      count(DISTINCT member_id)::int8 AS pupils, sum(amount)::int8 AS amount
    FROM tuition_support
    WHERE granted_on BETWEEN ${period.from}::date AND ${period.to}::date
    ${byCommune ? sql`GROUP BY commune_code` : sql``}`.execute(db);
  return rows.filter((r) => r.pupils > 0);
}

export interface ElectricityRow {
  commune_code: string | null;
  households: number;
  amount: number;
}

export async function electricityFigures(db: DB, period: Period, byCommune: boolean): Promise<ElectricityRow[]> {
  const { rows } = await sql<ElectricityRow>`
    SELECT ${byCommune ? sql`commune_code` : sql`NULL::text`} AS commune_code,
      count(DISTINCT household_id)::int8 AS households, sum(amount)::int8 AS amount
    FROM electricity_subsidy
    WHERE paid_on BETWEEN ${period.from}::date AND ${period.to}::date
    ${byCommune ? sql`GROUP BY commune_code` : sql``}`.execute(db);
  return rows.filter((r) => r.households > 0);
}

export interface AllowanceRow {
  commune_code: string | null;
  recipients: number;
  amount: number;
}

/** A calendar month as a number (year * 12 + month - 1), so that month spans are differences. */
export function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/**
 * Allowance months in the period: the months whose first day lies in [from, to] (first: the
 * month of `from` when it is a 1st, else the next month; last: the month of `to`), intersected
 * with the allowance's months (month of start to month of end).
 */
export async function allowanceFigures(db: DB, period: Period, byCommune: boolean): Promise<AllowanceRow[]> {
  const first = monthIndex(period.from) + (period.from.endsWith('-01') ? 0 : 1);
  const last = monthIndex(period.to);
  const monthOf = (column: ReturnType<typeof sql.ref>) => sql`(extract(year FROM ${column})::int * 12 + extract(month FROM ${column})::int - 1)`;
  const { rows } = await sql<AllowanceRow>`
    SELECT ${byCommune ? sql`commune_code` : sql`NULL::text`} AS commune_code,
      count(DISTINCT member_id)::int8 AS recipients, sum(monthly_amount * months)::int8 AS amount
    FROM (
      SELECT commune_code, member_id, monthly_amount,
        least(coalesce(${monthOf(sql.ref('end_date'))}, ${last}::int), ${last}::int)
          - greatest(${monthOf(sql.ref('start_date'))}, ${first}::int) + 1 AS months
      FROM social_allowance
      WHERE start_date <= ${period.to}::date AND (end_date IS NULL OR end_date >= ${period.from}::date)
    ) active
    WHERE months > 0
    ${byCommune ? sql`GROUP BY commune_code` : sql``}`.execute(db);
  return rows.filter((r) => r.recipients > 0);
}

export interface ReliefRow {
  commune_code: string | null;
  events: number;
  households: number;
  cash: number;
  in_kind_value: number;
}

export async function reliefFigures(db: DB, period: Period, byCommune: boolean): Promise<ReliefRow[]> {
  const { rows } = await sql<ReliefRow>`
    SELECT ${byCommune ? sql`commune_code` : sql`NULL::text`} AS commune_code,
      count(*)::int8 AS events, count(DISTINCT household_id)::int8 AS households,
      sum(cash_amount)::int8 AS cash, sum(in_kind_value)::int8 AS in_kind_value
    FROM emergency_relief
    WHERE relief_date BETWEEN ${period.from}::date AND ${period.to}::date
    ${byCommune ? sql`GROUP BY commune_code` : sql``}`.execute(db);
  return rows.filter((r) => r.events > 0);
}

// ---- writes ----

/**
 * Writes a card and brings the health-insurance rollups up to date in the same transaction (the
 * caller's, or one of its own when called outside one): a refused card changes nothing.
 */
/** Writes a card and moves its holder's share of the rollups in the same transaction (the caller's, or one of its own). */
export function insertHealthInsurance(db: DB, row: NewHealthInsuranceSupport): Promise<HealthInsuranceSupport> {
  return withRollups(db, healthInsuranceRollupSet, [row.member_id], (trx) =>
    trx.insertInto('health_insurance_support').values(row).returningAll().executeTakeFirstOrThrow(),
  );
}

export function insertVoluntary(db: DB, row: NewVoluntaryInsuranceSupport): Promise<VoluntaryInsuranceSupport> {
  return db.insertInto('voluntary_insurance_support').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertTuition(db: DB, row: NewTuitionSupport): Promise<TuitionSupport> {
  return db.insertInto('tuition_support').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertElectricity(db: DB, row: NewElectricitySubsidy): Promise<ElectricitySubsidy> {
  return db.insertInto('electricity_subsidy').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertAllowance(db: DB, row: NewSocialAllowance): Promise<SocialAllowance> {
  return db.insertInto('social_allowance').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertRelief(db: DB, row: NewEmergencyRelief): Promise<EmergencyRelief> {
  return db.insertInto('emergency_relief').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The latest report of each reported statistic. */
export function findReportedStatistics(db: DB) {
  return db
    .selectFrom('reported_statistic')
    .distinctOn('code')
    .select(['code', 'name', 'period', 'value', 'unit', 'source'])
    .orderBy('code')
    .orderBy('id', 'desc')
    .execute();
}

/**
 * Cards of these people (every card there is when `memberIds` is undefined), with what the
 * health-insurance rollups read of them (rollups.ts).
 */
export function findCardFacts(db: DB, memberIds?: readonly number[]): Promise<CardFacts[]> {
  let q = db
    .selectFrom('health_insurance_support')
    .select(['id', 'member_id', 'commune_code', 'support_group', 'valid_from', 'valid_to', 'budget_amount', 'granted_on'])
    .orderBy('id');
  if (memberIds) q = q.where('member_id', '=', ids(memberIds));
  return q.execute();
}

/** Cards of these people valid at some time from `from` to `to` (by person, then id). One statement. */
export function findCardsOverlapping(db: DB, memberIds: readonly number[], from: string, to: string): Promise<HealthInsuranceSupport[]> {
  return db
    .selectFrom('health_insurance_support')
    .selectAll()
    .where('member_id', '=', ids(memberIds))
    .where('valid_from', '<=', to)
    .where('valid_to', '>=', from)
    .orderBy('member_id')
    .orderBy('id')
    .execute();
}

/** Cards of card year `year` in these communes (null: every commune), with what the list rule reads. One statement. */
export function findCardsOfYear(
  db: DB,
  communes: readonly string[] | null,
  year: number,
): Promise<Array<Pick<HealthInsuranceSupport, 'id' | 'household_id' | 'commune_code' | 'support_group'>>> {
  let q = db.selectFrom('health_insurance_support').select(['id', 'household_id', 'commune_code', 'support_group']).where('year', '=', year).orderBy('id');
  if (communes) q = q.where('commune_code', 'in', communes.length ? [...communes] : ['-']);
  return q.execute();
}
