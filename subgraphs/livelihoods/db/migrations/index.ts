import type { Migration } from 'kysely';
import * as createLivelihoods from './2026_11_28_1000_create_livelihoods.js';
import * as seedReferenceData from './2026_11_28_1010_seed_reference_data.js';
import { auditMigrations } from '../../../common/audit.js';
import { keptMigrations } from '../../../common/kept.js';
import { writeMigrations } from '../../../common/writes.js';
import * as keepLivelihoodFigures from './2026_12_04_2010_keep_livelihood_figures.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1000_create_livelihoods': createLivelihoods,
  '2026_11_28_1010_seed_reference_data': seedReferenceData,
  ...auditMigrations,
  ...writeMigrations,
  ...keptMigrations,
  '2026_12_04_2010_keep_livelihood_figures': keepLivelihoodFigures,
};
