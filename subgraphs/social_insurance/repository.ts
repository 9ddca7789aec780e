import { sql, type Kysely } from 'kysely';
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
  return db
    .selectFrom('health_insurance_support')
    .selectAll()
    .where('member_id', '=', ids(memberIds))
    .where('valid_from', '<=', date)
    .where('valid_to', '>=', date)
    .orderBy('member_id')
    .orderBy('id')
    .execute();
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
 * cards granted in the period. GROUPING SETS give the totals and the split by group in one
 * statement (a person under two groups counts once in the total).
 */
export async function healthInsuranceFigures(db: DB, period: Period, byCommune: boolean): Promise<HealthInsuranceRow[]> {
  const grouping = byCommune
    ? sql`GROUPING SETS ((commune_code, support_group), (commune_code))`
    : sql`GROUPING SETS ((support_group), ())`;
  const commune = byCommune ? sql`commune_code` : sql`NULL::text`;
  const { rows } = await sql<HealthInsuranceRow>`
    SELECT ${commune} AS commune_code, support_group,
      count(DISTINCT member_id) FILTER (WHERE valid_from <= ${period.to}::date AND valid_to >= ${period.from}::date)::int8 AS people,
      coalesce(sum(budget_amount) FILTER (WHERE granted_on BETWEEN ${period.from}::date AND ${period.to}::date), 0)::int8 AS budget
    FROM health_insurance_support
    WHERE (valid_from <= ${period.to}::date AND valid_to >= ${period.from}::date)
       OR granted_on BETWEEN ${period.from}::date AND ${period.to}::date
    GROUP BY ${grouping}`.execute(db);
  return rows;
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

export function insertHealthInsurance(db: DB, row: NewHealthInsuranceSupport): Promise<HealthInsuranceSupport> {
  return db.insertInto('health_insurance_support').values(row).returningAll().executeTakeFirstOrThrow();
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
