import { sql, type Kysely } from 'kysely';
import type { Rollups } from '../../platform/rollups.js';
import type { EmploymentDatabase, PlacementChannel, TrainingLevel } from './db/tables.js';

/**
 * The employment rollups, declared (platform/rollups.ts): what is kept, from which rows, by
 * which rule. The writes (repository.ts, through withRollups), the city data set and the demo
 * data (writeRollups) and a rebuild after a rule changed (ensureRollupsCurrent) all use this
 * one rule; the migration only creates the tables.
 *
 * Figures are asked by calendar year, so each row is one year of one area ('' for the whole city)
 * and holds that year's figures exactly:
 *
 * - employment_placement_rollup: per year, area and channel ('' for every channel): placements,
 *   overseas placements, placements of workers from poor or near-poor households, and (on the
 *   every-channel rows only, 0 elsewhere) the distinct workers placed in the area that year;
 * - employment_training_rollup: per year, area and level: enrolments that started that year (and
 *   those of poor or near-poor households) and enrolments completed that year.
 *
 * The owner is the worker (a person): distinct workers add up only over whole workers, so a
 * write locks and recomputes every placement and enrolment of the people it touches. The lock
 * is the one placements always took ('employment.worker'), so two placements of one worker at
 * once still take turns.
 */

/** What the rule reads of the placements: parallel columns, one entry a placement. */
export interface PlacementColumns {
  member: readonly number[];
  commune: readonly string[];
  channel: readonly PlacementChannel[];
  contract: readonly string[];
  classification: readonly (string | null)[];
  placedOn: readonly string[];
}

/** What the rule reads of the enrolments: parallel columns, one entry an enrolment. */
export interface EnrolmentColumns {
  commune: readonly string[];
  level: readonly TrainingLevel[];
  classification: readonly (string | null)[];
  startedOn: readonly string[];
  completedOn: readonly (string | null)[];
}

export interface EmploymentFacts {
  placements: PlacementColumns;
  enrolments: EnrolmentColumns;
}

// Type aliases, not interfaces: a rollup row is a record of its columns (RollupRecord).
type PlacementRollupRow = {
  year: number;
  commune_code: string;
  channel: string;
  placements: number;
  overseas: number;
  poor_or_near_poor: number;
  workers: number;
};

type TrainingRollupRow = {
  year: number;
  commune_code: string;
  level: string;
  enrolments: number;
  poor_or_near_poor: number;
  completions: number;
};

const poorOrNearPoor = (classification: string | null) => classification === 'poor' || classification === 'near_poor';

/**
 * The rule for placements: a placement counts in its year in (commune, channel), (commune),
 * (channel) and the city; distinct workers on the every-channel rows only.
 */
function placementRows(placements: PlacementColumns): PlacementRollupRow[] {
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
  return [...placed.values()];
}

/**
 * The rule for training: an enrolment counts in its start year (and, if poor or near-poor,
 * there too) and in its completion year, in (commune, level) and (level).
 */
function trainingRows(enrolments: EnrolmentColumns): TrainingRollupRow[] {
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
  return [...trained.values()];
}

/** The placements and enrolments of some workers (every one when `members` is undefined). */
async function employmentFacts(db: Kysely<EmploymentDatabase>, members?: readonly number[]): Promise<EmploymentFacts> {
  const where = members ? sql`WHERE member_id = ANY(${[...members]}::int8[])` : sql``;
  const { rows: placed } = await sql<{ member: number; commune: string; channel: PlacementChannel; contract: string; cls: string | null; placed: string }>`
    SELECT member_id::int8 AS member, commune_code::text AS commune, channel, contract, household_classification AS cls, placed_on::text AS placed
    FROM job_placement ${where}`.execute(db);
  const { rows: enrolled } = await sql<{ commune: string; level: TrainingLevel; cls: string | null; started: string; completed: string | null }>`
    SELECT commune_code::text AS commune, level, household_classification AS cls, started_on::text AS started, completed_on::text AS completed
    FROM training_enrolment ${where}`.execute(db);
  return {
    placements: {
      member: placed.map((r) => Number(r.member)),
      commune: placed.map((r) => r.commune),
      channel: placed.map((r) => r.channel),
      contract: placed.map((r) => r.contract),
      classification: placed.map((r) => r.cls),
      placedOn: placed.map((r) => r.placed),
    },
    enrolments: {
      commune: enrolled.map((r) => r.commune),
      level: enrolled.map((r) => r.level),
      classification: enrolled.map((r) => r.cls),
      startedOn: enrolled.map((r) => r.started),
      completedOn: enrolled.map((r) => r.completed),
    },
  };
}

const text = (name: string) => ({ name, type: 'text' });
const count = (name: string) => ({ name, type: 'int8' });

export const employmentRollups: Rollups<EmploymentDatabase, EmploymentFacts> = {
  name: 'employment',
  version: 1,
  lockPrefix: 'employment.worker',
  tables: [
    {
      kind: 'sum',
      table: 'employment_placement_rollup',
      // '' stands for the whole city or every channel: the primary key has no NULLs.
      key: [{ name: 'year', type: 'int4' }, text('commune_code'), text('channel')],
      measures: [count('placements'), count('overseas'), count('poor_or_near_poor'), count('workers')],
    },
    {
      kind: 'sum',
      table: 'employment_training_rollup',
      key: [{ name: 'year', type: 'int4' }, text('commune_code'), text('level')],
      measures: [count('enrolments'), count('poor_or_near_poor'), count('completions')],
    },
  ],
  facts: employmentFacts,
  derive: (facts) => ({
    employment_placement_rollup: placementRows(facts.placements),
    employment_training_rollup: trainingRows(facts.enrolments),
  }),
};
