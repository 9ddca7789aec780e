import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { EmploymentDatabase, JobFair, JobPlacement, LabourStatistics, PlacementChannel, TrainingEnrolment, TrainingLevel } from './db/tables.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { cityScope, type KeptRequest } from '../../platform/kept.js';
import { communeAskKey, communeFigureLoader, type CommuneAsk } from '../../platform/figure-loaders.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

export const CHANNELS: readonly PlacementChannel[] = ['job_fair', 'employment_service_centre', 'budget_funded_support', 'loan_created_job'];
export const LEVELS: readonly TrainingLevel[] = ['under_3_months', 'elementary', 'intermediate', 'college'];

/** Employment figures of one area and year, before GraphQL naming. */
export interface EmploymentCounts {
  year: number;
  placements: number;
  workers: number;
  overseas: number;
  poorOrNearPoorPlacements: number;
  byChannel: Record<PlacementChannel, number>;
  fairs: number;
  fairEmployers: number;
  fairParticipants: number;
  fairHires: number;
  fairHiresAbroad: number;
  enrolments: number;
  poorOrNearPoorEnrolments: number;
  byLevel: Record<TrainingLevel, number>;
  completions: number;
}

function emptyCounts(year: number): EmploymentCounts {
  return {
    year,
    placements: 0,
    workers: 0,
    overseas: 0,
    poorOrNearPoorPlacements: 0,
    byChannel: { job_fair: 0, employment_service_centre: 0, budget_funded_support: 0, loan_created_job: 0 },
    fairs: 0,
    fairEmployers: 0,
    fairParticipants: 0,
    fairHires: 0,
    fairHiresAbroad: 0,
    enrolments: 0,
    poorOrNearPoorEnrolments: 0,
    byLevel: { under_3_months: 0, elementary: 0, intermediate: 0, college: 0 },
    completions: 0,
  };
}

/**
 * One year's figures for the given communes (or, with `communeCodes` undefined, for the city
 * under the key null): three statements whatever the number of communes.
 */
async function figuresOfYear(
  db: Kysely<EmploymentDatabase>,
  year: number,
  communeCodes: readonly string[] | undefined,
): Promise<Map<string | null, EmploymentCounts>> {
  const [placements, fairs, training] = await Promise.all([
    repo.placementCounts(db, year, communeCodes),
    repo.jobFairCounts(db, year, communeCodes),
    repo.trainingCounts(db, year, communeCodes),
  ]);
  const result = new Map<string | null, EmploymentCounts>();
  const of = (code: string | null) => {
    let c = result.get(code);
    if (!c) result.set(code, (c = emptyCounts(year)));
    return c;
  };
  for (const p of placements) {
    const c = of(p.commune_code);
    if (p.channel === null) {
      c.placements = p.placements;
      c.workers = p.workers;
      c.overseas = p.overseas;
      c.poorOrNearPoorPlacements = p.poor_or_near_poor;
    } else {
      c.byChannel[p.channel] = p.placements;
    }
  }
  for (const f of fairs) {
    Object.assign(of(f.commune_code), {
      fairs: f.fairs,
      fairEmployers: f.employers,
      fairParticipants: f.participants,
      fairHires: f.hires,
      fairHiresAbroad: f.hires_abroad,
    });
  }
  for (const t of training) {
    const c = of(t.commune_code);
    c.enrolments += t.enrolments;
    c.poorOrNearPoorEnrolments += t.poor_or_near_poor;
    c.completions += t.completions;
    c.byLevel[t.level] = t.enrolments;
  }
  return result;
}

/** The key of a commune's figure of a year. */
const byYear = communeAskKey<number>(String);

/**
 * One set of loaders per request: each batched lookup is one SQL statement per tick. The figure
 * loaders' answers are kept between requests while their communes' versions hold (platform/kept.ts).
 */
export function createLoaders(db: Kysely<EmploymentDatabase>, kept: KeptRequest) {
  return {
    jobFairById: new DataLoader<number, JobFair | undefined>(async (ids) => byKey(ids, await repo.findJobFairsByIds(db, ids), (f) => f.id)),
    placementById: new DataLoader<number, JobPlacement | undefined>(async (ids) => byKey(ids, await repo.findPlacementsByIds(db, ids), (p) => p.id)),
    enrolmentById: new DataLoader<number, TrainingEnrolment | undefined>(async (ids) => byKey(ids, await repo.findEnrolmentsByIds(db, ids), (e) => e.id)),
    placementsByHousehold: new DataLoader<number, JobPlacement[]>(async (ids) =>
      groupBy(ids, await repo.findPlacementsByHouseholdIds(db, ids), (p) => p.household_id),
    ),
    placementsByFair: new DataLoader<number, JobPlacement[]>(async (ids) => groupBy(ids, await repo.findPlacementsByFairIds(db, ids), (p) => p.job_fair_id!)),
    enrolmentsByHousehold: new DataLoader<number, TrainingEnrolment[]>(async (ids) =>
      groupBy(ids, await repo.findEnrolmentsByHouseholdIds(db, ids), (e) => e.household_id),
    ),
    labourStatisticsByYear: new DataLoader<number, LabourStatistics | undefined>(async (years) =>
      byKey(years, await repo.findLabourStatistics(db, years), (s) => s.year),
    ),
    /** A commune's counts of a year: three GROUP BY commune_code statements per distinct year. */
    communeFigures: communeFigureLoader<number, EmploymentCounts>(
      kept,
      'communeFigures',
      String,
      (year, communes) => figuresOfYear(db, year, communes),
      emptyCounts,
    ),
    /** Key: year. The whole city, three statements per year. */
    cityFigures: kept.loader<number, EmploymentCounts>('cityFigures', cityScope, async (years) =>
      Promise.all(years.map(async (year) => (await figuresOfYear(db, year, undefined)).get(null) ?? emptyCounts(year))),
    ),
    /** A commune's job fairs of a year: one statement per distinct year. */
    jobFairsByCommuneYear: new DataLoader<CommuneAsk<number>, JobFair[], string>(
      async (asks) => {
        const years = [...new Set(asks.map((a) => a.args))];
        const rows = (
          await Promise.all(years.map((year) => repo.findJobFairs(db, year, [...new Set(asks.filter((a) => a.args === year).map((a) => a.commune))])))
        ).flat();
        return groupBy(asks.map(byYear), rows, (f) => `${f.commune_code}|${Number(f.held_on.slice(0, 4))}`);
      },
      { cacheKeyFn: byYear },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from tables that move the versions (the migrations *_keep_employment_figures and
 * *_keep_labour_statistics_figures), entity keys and arguments. Each reads:
 *
 * - employment figures of a commune or the city, for the year given (Commune/City.employmentFigures,
 *   with their lines per channel and level): employment_placement_rollup,
 *   employment_training_rollup and job_fair;
 * - labour statistics (Query/City.labourStatistics): labour_statistics, the latest row of the year.
 *
 * Not kept: placements, enrolments and job fairs as records.
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Query.labourStatistics',
    'Commune.code',
    'Commune.employmentFigures',
    'City.code',
    'City.employmentFigures',
    'City.labourStatistics',
    'EmploymentFigures.year',
    'EmploymentFigures.placements',
    'EmploymentFigures.workersPlaced',
    'EmploymentFigures.placementsByChannel',
    'EmploymentFigures.budgetFundedPlacements',
    'EmploymentFigures.overseasPlacements',
    'EmploymentFigures.domesticPlacements',
    'EmploymentFigures.placementsFromPoorOrNearPoorHouseholds',
    'EmploymentFigures.jobFairs',
    'EmploymentFigures.jobFairEmployers',
    'EmploymentFigures.jobFairParticipants',
    'EmploymentFigures.jobFairHires',
    'EmploymentFigures.jobFairHiresAbroad',
    'EmploymentFigures.trainingEnrolments',
    'EmploymentFigures.trainingEnrolmentsByLevel',
    'EmploymentFigures.trainingEnrolmentsFromPoorOrNearPoorHouseholds',
    'EmploymentFigures.trainingCompletions',
    'JobPlacementChannelCount.channel',
    'JobPlacementChannelCount.placements',
    'VocationalTrainingLevelCount.level',
    'VocationalTrainingLevelCount.enrolments',
    'LabourStatistics.year',
    'LabourStatistics.urbanUnemploymentRatePercent',
    'LabourStatistics.trainedWorkerSharePercent',
    'LabourStatistics.basis',
    'LabourStatistics.source',
    'LabourStatistics.recordedAt',
  ],
  // Both resolve from their key alone.
  entities: ['Commune', 'City'],
};
