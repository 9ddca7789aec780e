import { sql, type Kysely, type Selectable } from 'kysely';
import { bulkInsert } from '../../db/bulk.js';
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
  PlacementRollupTable,
  TrainingEnrolment,
  TrainingLevel,
  TrainingRollupTable,
} from './db/tables.js';

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
 * Writes a placement and counts it in the rollup in the same transaction (the caller's, or one
 * of its own). The worker is locked first, so that two placements of one worker at once (on a
 * server) take turns: each sees whether the worker was already placed that year.
 */
export function insertPlacement(db: DB, placement: NewJobPlacement): Promise<JobPlacement> {
  return inTransaction(db, async (trx) => {
    await lockWorker(trx, placement.member_id);
    const year = Number(placement.placed_on.slice(0, 4));
    const placedBefore = await workerPlacedIn(trx, placement.member_id, year, placement.commune_code);
    const written = await trx.insertInto('job_placement').values(placement).returningAll().executeTakeFirstOrThrow();
    await countPlacement(trx, written, { newInCommune: !placedBefore.inCommune, newInCity: !placedBefore.inYear });
    return written;
  });
}

/** Writes an enrolment and counts it (and its completion, if any) in the rollup, in one transaction. */
export function insertEnrolment(db: DB, enrolment: NewTrainingEnrolment): Promise<TrainingEnrolment> {
  return inTransaction(db, async (trx) => {
    const written = await trx.insertInto('training_enrolment').values(enrolment).returningAll().executeTakeFirstOrThrow();
    await addToTrainingRollup(trx, trainingChanges(written, 1));
    return written;
  });
}

/** Locks the enrolment row, so that two completions of one enrolment happen one after the other. */
export function lockEnrolment(db: DB, id: number): Promise<TrainingEnrolment | undefined> {
  return db.selectFrom('training_enrolment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Records a completion and moves it in the rollup, in the same transaction: the enrolment is
 * counted out as it was and in as it is now, so a completion date that changes stays counted once.
 */
export function completeEnrolment(db: DB, id: number, completedOn: string, certificate: string | null): Promise<TrainingEnrolment> {
  return inTransaction(db, async (trx) => {
    const before = await lockEnrolment(trx, id);
    const after = await trx
      .updateTable('training_enrolment')
      .set({ completed_on: completedOn, certificate, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await addToTrainingRollup(trx, [...(before ? trainingChanges(before, -1) : []), ...trainingChanges(after, 1)]);
    return after;
  });
}

export function insertLabourStatistics(db: DB, row: NewLabourStatistics): Promise<LabourStatistics> {
  return db.insertInto('labour_statistics').values(row).returningAll().executeTakeFirstOrThrow();
}

// ---- rollups: kept current in the transaction of every placement and enrolment written ----

/** Runs `fn` in the caller's transaction, or in one of its own. */
function inTransaction<T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** A transaction-scoped lock on one worker's placements (released at commit or rollback). */
export async function lockWorker(db: DB, memberId: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`employment.worker:${memberId}`}, 0))`.execute(db);
}

/** Whether the worker already has a placement in `year`: in the commune, and anywhere. */
export async function workerPlacedIn(db: DB, memberId: number, year: number, communeCode: string): Promise<{ inCommune: boolean; inYear: boolean }> {
  const { from, to } = yearSpan(year);
  const { rows } = await sql<{ in_commune: boolean | null; in_year: boolean }>`
    SELECT bool_or(commune_code = ${communeCode}) AS in_commune, count(*) > 0 AS in_year
    FROM job_placement WHERE member_id = ${memberId} AND placed_on BETWEEN ${from}::date AND ${to}::date`.execute(db);
  return { inCommune: rows[0]?.in_commune ?? false, inYear: rows[0]?.in_year ?? false };
}

/**
 * Counts one placement in its commune and channel, its commune, its channel city-wide and the
 * city; a worker not placed before that year in the commune (or anywhere) is a new worker there.
 */
export async function countPlacement(db: DB, p: JobPlacement, worker: { newInCommune: boolean; newInCity: boolean }): Promise<void> {
  const overseas = p.contract === 'overseas' ? 1 : 0;
  const poor = p.household_classification === 'poor' || p.household_classification === 'near_poor' ? 1 : 0;
  const commune = p.commune_code.trim();
  const areas: Array<[string, string, number]> = [
    ['', '', worker.newInCity ? 1 : 0],
    ['', p.channel, 0],
    [commune, '', worker.newInCommune ? 1 : 0],
    [commune, p.channel, 0],
  ];
  const year = Number(p.placed_on.slice(0, 4));
  await sql`
    INSERT INTO employment_placement_rollup (year, commune_code, channel, placements, overseas, poor_or_near_poor, workers)
    SELECT ${year}, commune_code, channel, 1, ${overseas}, ${poor}, workers
    FROM unnest(${areas.map((a) => a[0])}::text[], ${areas.map((a) => a[1])}::text[], ${areas.map((a) => a[2])}::int8[])
      AS a(commune_code, channel, workers)
    ORDER BY commune_code, channel
    ON CONFLICT (year, commune_code, channel) DO UPDATE SET
      placements = employment_placement_rollup.placements + excluded.placements,
      overseas = employment_placement_rollup.overseas + excluded.overseas,
      poor_or_near_poor = employment_placement_rollup.poor_or_near_poor + excluded.poor_or_near_poor,
      workers = employment_placement_rollup.workers + excluded.workers`.execute(db);
}

interface TrainingChange {
  year: number;
  commune_code: string;
  level: string;
  enrolments: number;
  poor_or_near_poor: number;
  completions: number;
}

/** What an enrolment counts in the rollup (times `sign`): its start, and its completion if any. */
function trainingChanges(e: TrainingEnrolment, sign: 1 | -1): TrainingChange[] {
  const poor = e.household_classification === 'poor' || e.household_classification === 'near_poor' ? 1 : 0;
  const changes: TrainingChange[] = [];
  for (const commune of [e.commune_code.trim(), '']) {
    changes.push({
      year: Number(e.started_on.slice(0, 4)),
      commune_code: commune,
      level: e.level,
      enrolments: sign,
      poor_or_near_poor: sign * poor,
      completions: 0,
    });
    if (e.completed_on !== null) {
      changes.push({ year: Number(e.completed_on.slice(0, 4)), commune_code: commune, level: e.level, enrolments: 0, poor_or_near_poor: 0, completions: sign });
    }
  }
  return changes;
}

/** Adds the changes, summed per row first (one statement may touch a row once), in key order. */
export async function addToTrainingRollup(db: DB, changes: readonly TrainingChange[]): Promise<void> {
  if (changes.length === 0) return;
  const column = <K extends keyof TrainingChange>(name: K) => changes.map((c) => c[name]);
  await sql`
    INSERT INTO employment_training_rollup (year, commune_code, level, enrolments, poor_or_near_poor, completions)
    SELECT year, commune_code, level, sum(enrolments), sum(poor_or_near_poor), sum(completions)
    FROM unnest(${column('year')}::int[], ${column('commune_code')}::text[], ${column('level')}::text[],
      ${column('enrolments')}::int8[], ${column('poor_or_near_poor')}::int8[], ${column('completions')}::int8[])
      AS c(year, commune_code, level, enrolments, poor_or_near_poor, completions)
    GROUP BY year, commune_code, level
    ORDER BY year, commune_code, level
    ON CONFLICT (year, commune_code, level) DO UPDATE SET
      enrolments = employment_training_rollup.enrolments + excluded.enrolments,
      poor_or_near_poor = employment_training_rollup.poor_or_near_poor + excluded.poor_or_near_poor,
      completions = employment_training_rollup.completions + excluded.completions`.execute(db);
}

/**
 * Derives the rollups from every placement and enrolment (the city data set and the demo data
 * call this once they are written): the same counts the figures used to make on each request.
 */
export async function refreshRollups(db: DB): Promise<void> {
  await sql`TRUNCATE employment_placement_rollup, employment_training_rollup`.execute(db);
  await sql`
    INSERT INTO employment_placement_rollup (year, commune_code, channel, placements, overseas, poor_or_near_poor, workers)
    SELECT year, coalesce(commune_code, ''), coalesce(channel, ''), count(*), count(*) FILTER (WHERE contract = 'overseas'),
      count(*) FILTER (WHERE household_classification IN ('poor', 'near_poor')),
      CASE WHEN grouping(channel) = 1 THEN count(DISTINCT member_id) ELSE 0 END
    FROM (SELECT extract(year FROM placed_on)::int AS year, commune_code::text AS commune_code, channel, contract, household_classification, member_id
      FROM job_placement) p
    GROUP BY GROUPING SETS ((year, commune_code, channel), (year, commune_code), (year, channel), (year))`.execute(db);
  await sql`
    INSERT INTO employment_training_rollup (year, commune_code, level, enrolments, poor_or_near_poor, completions)
    SELECT year, coalesce(commune_code, ''), level, sum(enrolments), sum(poor_or_near_poor), sum(completions)
    FROM (
      SELECT extract(year FROM started_on)::int AS year, commune_code::text AS commune_code, level, 1 AS enrolments,
        CASE WHEN household_classification IN ('poor', 'near_poor') THEN 1 ELSE 0 END AS poor_or_near_poor, 0 AS completions
      FROM training_enrolment
      UNION ALL
      SELECT extract(year FROM completed_on)::int, commune_code::text, level, 0, 0, 1
      FROM training_enrolment WHERE completed_on IS NOT NULL
    ) t
    GROUP BY GROUPING SETS ((year, commune_code, level), (year, level))`.execute(db);
}

/** What the rollups read of the placements: parallel columns, one entry a placement. */
export interface PlacementColumns {
  member: readonly number[];
  commune: readonly string[];
  channel: readonly PlacementChannel[];
  contract: readonly string[];
  classification: readonly (string | null)[];
  placedOn: readonly string[];
}

/** What the rollups read of the enrolments: parallel columns, one entry an enrolment. */
export interface EnrolmentColumns {
  commune: readonly string[];
  level: readonly TrainingLevel[];
  classification: readonly (string | null)[];
  startedOn: readonly string[];
  completedOn: readonly (string | null)[];
}

type PlacementRollupRow = Selectable<PlacementRollupTable>;
type TrainingRollupRow = Selectable<TrainingRollupTable>;

const poorOrNearPoor = (classification: string | null) => classification === 'poor' || classification === 'near_poor';

/**
 * The rows refreshRollups derives in SQL, derived here from rows in memory (the city data set:
 * its generator runs in a worker thread, and the database's thread, which the SQL would take,
 * is the first start's bottleneck). The same rules: a placement counts in its year in (commune,
 * channel), (commune), (channel) and the city, distinct workers on the every-channel rows only;
 * an enrolment counts in its start year (and, if poor or near-poor, there too) and in its
 * completion year, in (commune, level) and (level). Keys in primary-key order.
 */
export function deriveRollups(placements: PlacementColumns, enrolments: EnrolmentColumns): { placements: PlacementRollupRow[]; training: TrainingRollupRow[] } {
  const placed = new Map<string, PlacementRollupRow>();
  const workers = new Map<string, Set<number>>();
  for (let i = 0; i < placements.member.length; i++) {
    const year = Number(placements.placedOn[i]!.slice(0, 4));
    const commune = placements.commune[i]!.trim();
    const channel = placements.channel[i]!;
    for (const [c, ch] of [
      [commune, channel],
      [commune, ''],
      ['', channel],
      ['', ''],
    ] as const) {
      const key = `${year}|${c}|${ch}`;
      let row = placed.get(key);
      if (!row) placed.set(key, (row = { year, commune_code: c, channel: ch, placements: 0, overseas: 0, poor_or_near_poor: 0, workers: 0 }));
      row.placements++;
      if (placements.contract[i] === 'overseas') row.overseas++;
      if (poorOrNearPoor(placements.classification[i]!)) row.poor_or_near_poor++;
      if (ch === '') {
        let members = workers.get(key);
        if (!members) workers.set(key, (members = new Set()));
        members.add(placements.member[i]!);
      }
    }
  }
  for (const [key, members] of workers) placed.get(key)!.workers = members.size;
  const trained = new Map<string, TrainingRollupRow>();
  const count = (year: number, commune: string, level: TrainingLevel, field: 'enrolments' | 'poor_or_near_poor' | 'completions') => {
    const key = `${year}|${commune}|${level}`;
    let row = trained.get(key);
    if (!row) trained.set(key, (row = { year, commune_code: commune, level, enrolments: 0, poor_or_near_poor: 0, completions: 0 }));
    row[field]++;
  };
  for (let i = 0; i < enrolments.level.length; i++) {
    const level = enrolments.level[i]!;
    const started = Number(enrolments.startedOn[i]!.slice(0, 4));
    const completed = enrolments.completedOn[i] ?? null;
    for (const commune of [enrolments.commune[i]!.trim(), '']) {
      count(started, commune, level, 'enrolments');
      if (poorOrNearPoor(enrolments.classification[i]!)) count(started, commune, level, 'poor_or_near_poor');
      if (completed !== null) count(Number(completed.slice(0, 4)), commune, level, 'completions');
    }
  }
  const byKey =
    <R extends { year: number; commune_code: string }>(part: (r: R) => string) =>
    (a: R, b: R) =>
      a.year - b.year || cmp(a.commune_code, b.commune_code) || cmp(part(a), part(b));
  return {
    placements: [...placed.values()].sort(byKey((r) => r.channel)),
    training: [...trained.values()].sort(byKey((r) => r.level)),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Replaces the rollups by `derived` (deriveRollups of every placement and enrolment there is),
 * in the transaction that emptied and loaded the tables: the city data set's.
 */
export async function writeRollups(db: DB, derived: ReturnType<typeof deriveRollups>): Promise<void> {
  await sql`TRUNCATE employment_placement_rollup, employment_training_rollup`.execute(db);
  const column = <R, K extends keyof R>(rows: readonly R[], name: K) => rows.map((r) => r[name]);
  const p = derived.placements;
  await bulkInsert(
    db,
    'employment_placement_rollup',
    ['year', 'commune_code', 'channel', 'placements', 'overseas', 'poor_or_near_poor', 'workers'].map((name) => ({
      name,
      type: name === 'year' ? 'int4' : name.endsWith('code') || name === 'channel' ? 'text' : 'int8',
    })),
    [
      column(p, 'year'),
      column(p, 'commune_code'),
      column(p, 'channel'),
      column(p, 'placements'),
      column(p, 'overseas'),
      column(p, 'poor_or_near_poor'),
      column(p, 'workers'),
    ],
    { emptied: true },
  );
  const t = derived.training;
  await bulkInsert(
    db,
    'employment_training_rollup',
    ['year', 'commune_code', 'level', 'enrolments', 'poor_or_near_poor', 'completions'].map((name) => ({
      name,
      type: name === 'year' ? 'int4' : name.endsWith('code') || name === 'level' ? 'text' : 'int8',
    })),
    [column(t, 'year'), column(t, 'commune_code'), column(t, 'level'), column(t, 'enrolments'), column(t, 'poor_or_near_poor'), column(t, 'completions')],
    { emptied: true },
  );
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
