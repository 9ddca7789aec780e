import type { Migration } from 'kysely';
import * as createEmployment from './2026_11_28_1000_create_employment.js';
import * as seedLabourStatistics from './2026_11_28_1010_seed_labour_statistics.js';
import * as createEmploymentRollups from './2026_11_29_0900_create_employment_rollups.js';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';
import { keptMigrations } from '../../../../platform/kept.js';
import * as keepEmploymentFigures from './2026_12_04_2010_keep_employment_figures.js';
import * as dropUnreadIndexes from './2026_12_04_2300_drop_unread_indexes.js';
import * as keepLabourStatisticsFigures from './2026_12_05_0200_keep_labour_statistics_figures.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1000_create_employment': createEmployment,
  '2026_11_28_1010_seed_labour_statistics': seedLabourStatistics,
  '2026_11_29_0900_create_employment_rollups': createEmploymentRollups,
  ...auditMigrations,
  ...writeMigrations,
  ...keptMigrations,
  '2026_12_04_2010_keep_employment_figures': keepEmploymentFigures,
  '2026_12_04_2300_drop_unread_indexes': dropUnreadIndexes,
  '2026_12_05_0200_keep_labour_statistics_figures': keepLabourStatisticsFigures,
};
