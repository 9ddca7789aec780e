import { sql, type Kysely } from 'kysely';
import { withRollups } from '../../platform/rollups.js';
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
import { employmentRollups } from './rollups.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<EmploymentDatabase>;

/** First and last day of a calendar year: records count in the year of their date. */
export function yearSpan(year: number): { from: string; to: string } {
  const y = String(year).padStart(4, '0');
  return { from: `${y}-01-01`, to: `${y}-12-31` };
}

export function findJobFairsByIds(db: DB, ids: readonly number[]): Promise<JobFair[]> {
  return db
    .selectFrom('job_fair')
    .selectAll()
    .where('id', '=', sql<number>`any(${[...ids]}::int8[])`)
    .execute();
}

/** Fairs of `year` in the given communes (all communes when `communeCodes` is undefined), by date. */
export function findJobFairs(db: DB, year: number, communeCodes?: readonly string[]): Promise<JobFair[]> {
  const { from, to } = yearSpan(year);
  let q = db.selectFrom('job_fair').selectAll().where('held_on', '>=', from).where('held_on', '<=', to);
  if (communeCodes) q = q.where('commune_code', '=', sql<string>`any(${[...communeCodes]}::text[])`);
  return q.orderBy('held_on').orderBy('id').execute();
}

export function findPlacementsByIds(db: DB, ids: readonly number[]): Promise<JobPlacement[]> {
  return db
    .selectFrom('job_placement')
    .selectAll()
    .where('id', '=', sql<number>`any(${[...ids]}::int8[])`)
    .execute();
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
  return db
    .selectFrom('training_enrolment')
    .selectAll()
    .where('id', '=', sql<number>`any(${[...ids]}::int8[])`)
    .execute();
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
  /** Distinct workers on the area's total row (a worker placed twice in the year counts once); 0 on channel rows. */
  workers: number;
}

/**
 * Placements of `year` per commune (`communeCodes` given) or for the city (undefined): one row
 * per area and channel plus one total row per area (channel null), read from the rollup (one
 * row per year, area and channel, kept current by every placement written).
 */
export async function placementCounts(db: DB, year: number, communeCodes: readonly string[] | undefined): Promise<PlacementCounts[]> {
  const { rows } = await sql<PlacementCounts>`
    SELECT nullif(commune_code, '') AS commune_code, nullif(channel, '') AS channel, placements::int AS placements,
      overseas::int AS overseas, poor_or_near_poor::int AS poor_or_near_poor, workers::int AS workers
    FROM employment_placement_rollup
    WHERE year = ${year} AND ${communeCodes ? sql`commune_code = any(${[...communeCodes]}::text[])` : sql`commune_code = ''`}`.execute(db);
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
 * Enrolments that started in `year` and enrolments completed in `year`, by commune (or for the
 * city) and level, read from the rollup.
 */
export async function trainingCounts(db: DB, year: number, communeCodes: readonly string[] | undefined): Promise<TrainingCounts[]> {
  const { rows } = await sql<TrainingCounts>`
    SELECT nullif(commune_code, '') AS commune_code, level, enrolments::int AS enrolments,
      poor_or_near_poor::int AS poor_or_near_poor, completions::int AS completions
    FROM employment_training_rollup
    WHERE year = ${year} AND ${communeCodes ? sql`commune_code = any(${[...communeCodes]}::text[])` : sql`commune_code = ''`}`.execute(db);
  return rows;
}

export function insertJobFair(db: DB, fair: NewJobFair): Promise<JobFair> {
  return db.insertInto('job_fair').values(fair).returningAll().executeTakeFirstOrThrow();
}

/** A fair, locked against a concurrent change for the rest of the transaction. */
export function findJobFairForShare(db: DB, id: number): Promise<JobFair | undefined> {
  return db.selectFrom('job_fair').selectAll().where('id', '=', id).forShare().executeTakeFirst();
}

/**
 * Writes a placement and moves the rollups by it, in the same transaction (the caller's, or one
 * of its own). The worker is locked first (withRollups), so that two placements of one worker at
 * once take turns: each sees whether the worker was already placed that year.
 */
export function insertPlacement(db: DB, placement: NewJobPlacement): Promise<JobPlacement> {
  return withRollups(db, employmentRollups, [placement.member_id], (trx) =>
    trx.insertInto('job_placement').values(placement).returningAll().executeTakeFirstOrThrow(),
  );
}

/** Writes an enrolment and moves the rollups by it (its start and its completion, if any), in one transaction. */
export function insertEnrolment(db: DB, enrolment: NewTrainingEnrolment): Promise<TrainingEnrolment> {
  return withRollups(db, employmentRollups, [enrolment.member_id], (trx) =>
    trx.insertInto('training_enrolment').values(enrolment).returningAll().executeTakeFirstOrThrow(),
  );
}

/** Locks the enrolment row, so that two completions of one enrolment happen one after the other. */
export function lockEnrolment(db: DB, id: number): Promise<TrainingEnrolment | undefined> {
  return db.selectFrom('training_enrolment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Records a completion and moves the rollups by it, in the same transaction: the worker's
 * records are counted as they were and as they are now, so a completion date that changes stays
 * counted once. The enrolment's worker never changes, so it is read before the lock.
 */
export async function completeEnrolment(db: DB, id: number, completedOn: string, certificate: string | null): Promise<TrainingEnrolment> {
  const { member_id } = await db.selectFrom('training_enrolment').select('member_id').where('id', '=', id).executeTakeFirstOrThrow();
  return withRollups(db, employmentRollups, [member_id], async (trx) => {
    await lockEnrolment(trx, id);
    return trx
      .updateTable('training_enrolment')
      .set({ completed_on: completedOn, certificate, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export function insertLabourStatistics(db: DB, row: NewLabourStatistics): Promise<LabourStatistics> {
  return db.insertInto('labour_statistics').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Placements of these households from `from` to `to`, with only what the consistency checks
 * read. One statement.
 */
export function findPlacementsOfHouseholds(
  db: DB,
  householdIds: readonly number[],
  from: string,
  to: string,
): Promise<Array<Pick<JobPlacement, 'id' | 'member_id' | 'household_id' | 'commune_code' | 'placed_on' | 'monthly_wage'>>> {
  return db
    .selectFrom('job_placement')
    .select(['id', 'member_id', 'household_id', 'commune_code', 'placed_on', 'monthly_wage'])
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    .where('placed_on', '>=', from)
    .where('placed_on', '<=', to)
    .orderBy('id')
    .execute();
}
