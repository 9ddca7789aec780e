import { sql, type Kysely } from 'kysely';
import type {
  EmploymentDatabase,
  JobFair,
  JobPlacement,
  LabourStatistics,
  NewJobFair,
  NewJobPlacement,
  NewLabourStatistics,
  NewTrainingEnrolment,
  PlacementChannel,
  TrainingEnrolment,
  TrainingLevel,
} from './db/tables.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<EmploymentDatabase>;

/** First and last day of a calendar year: records count in the year of their date. */
export function yearSpan(year: number): { from: string; to: string } {
  const y = String(year).padStart(4, '0');
  return { from: `${y}-01-01`, to: `${y}-12-31` };
}

export function findJobFairsByIds(db: DB, ids: readonly number[]): Promise<JobFair[]> {
  return db.selectFrom('job_fair').selectAll().where('id', '=', sql<number>`any(${[...ids]}::int8[])`).execute();
}

/** Fairs of `year` in the given communes (all communes when `communeCodes` is undefined), by date. */
export function findJobFairs(db: DB, year: number, communeCodes?: readonly string[]): Promise<JobFair[]> {
  const { from, to } = yearSpan(year);
  let q = db.selectFrom('job_fair').selectAll().where('held_on', '>=', from).where('held_on', '<=', to);
  if (communeCodes) q = q.where('commune_code', '=', sql<string>`any(${[...communeCodes]}::text[])`);
  return q.orderBy('held_on').orderBy('id').execute();
}

export function findPlacementsByIds(db: DB, ids: readonly number[]): Promise<JobPlacement[]> {
  return db.selectFrom('job_placement').selectAll().where('id', '=', sql<number>`any(${[...ids]}::int8[])`).execute();
}

export function findPlacementsByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<JobPlacement[]> {
  return db
    .selectFrom('job_placement')
    .selectAll()
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    .orderBy('household_id')
    .orderBy('placed_on')
    .orderBy('id')
    .execute();
}

export function findPlacementsByFairIds(db: DB, fairIds: readonly number[]): Promise<JobPlacement[]> {
  return db
    .selectFrom('job_placement')
    .selectAll()
    .where('job_fair_id', '=', sql<number>`any(${[...fairIds]}::int8[])`)
    .orderBy('job_fair_id')
    .orderBy('placed_on')
    .orderBy('id')
    .execute();
}

export function findEnrolmentsByIds(db: DB, ids: readonly number[]): Promise<TrainingEnrolment[]> {
  return db.selectFrom('training_enrolment').selectAll().where('id', '=', sql<number>`any(${[...ids]}::int8[])`).execute();
}

export function findEnrolmentsByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<TrainingEnrolment[]> {
  return db
    .selectFrom('training_enrolment')
    .selectAll()
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    .orderBy('household_id')
    .orderBy('started_on')
    .orderBy('id')
    .execute();
}

/** The statistics in force for each year: the latest row recorded for it. */
export function findLabourStatistics(db: DB, years: readonly number[]): Promise<LabourStatistics[]> {
  return db
    .selectFrom('labour_statistics')
    .selectAll()
    .distinctOn('year')
    .where('year', '=', sql<number>`any(${[...years]}::int[])`)
    .orderBy('year')
    .orderBy('id', 'desc')
    .execute();
}

export interface PlacementCounts {
  commune_code: string | null;
  /** null on the area's total row (channel is never null in the table). */
  channel: PlacementChannel | null;
  placements: number;
  overseas: number;
  poor_or_near_poor: number;
  /** Distinct workers: a worker placed twice in the year counts once. */
  workers: number;
}

/**
 * Placements of `year` per commune (`communeCodes` given) or for the city (undefined): one row
 * per area and channel plus one total row per area (channel null), in one statement for any
 * number of communes (GROUPING SETS, so that distinct workers are counted over all channels).
 */
export async function placementCounts(db: DB, year: number, communeCodes: readonly string[] | undefined): Promise<PlacementCounts[]> {
  const { from, to } = yearSpan(year);
  const area = communeCodes ? sql`commune_code` : sql`NULL::char(5)`;
  const sets = communeCodes ? sql`GROUPING SETS ((commune_code, channel), (commune_code))` : sql`GROUPING SETS ((channel), ())`;
  const communeFilter = communeCodes ? sql`AND commune_code = any(${[...communeCodes]}::text[])` : sql``;
  const { rows } = await sql<PlacementCounts>`
    SELECT ${area} AS commune_code, channel,
      count(*)::int AS placements,
      count(*) FILTER (WHERE contract = 'overseas')::int AS overseas,
      count(*) FILTER (WHERE household_classification IN ('poor', 'near_poor'))::int AS poor_or_near_poor,
      count(DISTINCT member_id)::int AS workers
    FROM job_placement
    WHERE placed_on BETWEEN ${from}::date AND ${to}::date ${communeFilter}
    GROUP BY ${sets}`.execute(db);
  return rows;
}

export interface JobFairCounts {
  commune_code: string | null;
  fairs: number;
  employers: number;
  participants: number;
  hires: number;
  hires_abroad: number;
}

export async function jobFairCounts(db: DB, year: number, communeCodes: readonly string[] | undefined): Promise<JobFairCounts[]> {
  const { from, to } = yearSpan(year);
  const group = communeCodes ? sql`commune_code` : sql`NULL::char(5)`;
  const communeFilter = communeCodes ? sql`AND commune_code = any(${[...communeCodes]}::text[])` : sql``;
  const { rows } = await sql<JobFairCounts>`
    SELECT ${group} AS commune_code,
      count(*)::int AS fairs,
      coalesce(sum(employers), 0)::int8 AS employers,
      coalesce(sum(participants), 0)::int8 AS participants,
      coalesce(sum(hires), 0)::int8 AS hires,
      coalesce(sum(hires_abroad), 0)::int8 AS hires_abroad
    FROM job_fair
    WHERE held_on BETWEEN ${from}::date AND ${to}::date ${communeFilter}
    GROUP BY 1`.execute(db);
  return rows;
}

export interface TrainingCounts {
  commune_code: string | null;
  level: TrainingLevel;
  enrolments: number;
  poor_or_near_poor: number;
  completions: number;
}

/**
 * Enrolments that started in `year` and enrolments completed in `year`, by commune and level:
 * one statement reading both date indexes.
 */
export async function trainingCounts(db: DB, year: number, communeCodes: readonly string[] | undefined): Promise<TrainingCounts[]> {
  const { from, to } = yearSpan(year);
  const group = communeCodes ? sql`commune_code` : sql`NULL::char(5)`;
  const communeFilter = communeCodes ? sql`AND commune_code = any(${[...communeCodes]}::text[])` : sql``;
  const { rows } = await sql<TrainingCounts>`
    SELECT ${group} AS commune_code, level,
      count(*) FILTER (WHERE started_on BETWEEN ${from}::date AND ${to}::date)::int AS enrolments,
      count(*) FILTER (WHERE started_on BETWEEN ${from}::date AND ${to}::date
        AND household_classification IN ('poor', 'near_poor'))::int AS poor_or_near_poor,
      count(*) FILTER (WHERE completed_on BETWEEN ${from}::date AND ${to}::date)::int AS completions
    FROM training_enrolment
    WHERE (started_on BETWEEN ${from}::date AND ${to}::date OR completed_on BETWEEN ${from}::date AND ${to}::date)
      ${communeFilter}
    GROUP BY 1, level`.execute(db);
  return rows;
}

export function insertJobFair(db: DB, fair: NewJobFair): Promise<JobFair> {
  return db.insertInto('job_fair').values(fair).returningAll().executeTakeFirstOrThrow();
}

/** A fair, locked against a concurrent change for the rest of the transaction. */
export function findJobFairForShare(db: DB, id: number): Promise<JobFair | undefined> {
  return db.selectFrom('job_fair').selectAll().where('id', '=', id).forShare().executeTakeFirst();
}

export function insertPlacement(db: DB, placement: NewJobPlacement): Promise<JobPlacement> {
  return db.insertInto('job_placement').values(placement).returningAll().executeTakeFirstOrThrow();
}

export function insertEnrolment(db: DB, enrolment: NewTrainingEnrolment): Promise<TrainingEnrolment> {
  return db.insertInto('training_enrolment').values(enrolment).returningAll().executeTakeFirstOrThrow();
}

/** Locks the enrolment row, so that two completions of one enrolment happen one after the other. */
export function lockEnrolment(db: DB, id: number): Promise<TrainingEnrolment | undefined> {
  return db.selectFrom('training_enrolment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function completeEnrolment(db: DB, id: number, completedOn: string, certificate: string | null): Promise<TrainingEnrolment> {
  return db
    .updateTable('training_enrolment')
    .set({ completed_on: completedOn, certificate, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertLabourStatistics(db: DB, row: NewLabourStatistics): Promise<LabourStatistics> {
  return db.insertInto('labour_statistics').values(row).returningAll().executeTakeFirstOrThrow();
}
