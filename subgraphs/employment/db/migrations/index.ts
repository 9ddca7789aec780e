import type { Migration } from 'kysely';
import * as createEmployment from './2026_11_28_1000_create_employment.js';
import * as seedLabourStatistics from './2026_11_28_1010_seed_labour_statistics.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1000_create_employment': createEmployment,
  '2026_11_28_1010_seed_labour_statistics': seedLabourStatistics,
};
