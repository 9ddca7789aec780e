import type { Migration } from 'kysely';
import * as createLivelihoods from './2026_11_28_1000_create_livelihoods.js';
import * as seedReferenceData from './2026_11_28_1010_seed_reference_data.js';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';
import { keptMigrations } from '../../../../platform/kept.js';
import * as keepLivelihoodFigures from './2026_12_04_2010_keep_livelihood_figures.js';
import * as keepLivelihoodProjectFigures from './2026_12_05_0200_keep_livelihood_project_figures.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1000_create_livelihoods': createLivelihoods,
  '2026_11_28_1010_seed_reference_data': seedReferenceData,
  ...auditMigrations,
  ...writeMigrations,
  ...keptMigrations,
  '2026_12_04_2010_keep_livelihood_figures': keepLivelihoodFigures,
  '2026_12_05_0200_keep_livelihood_project_figures': keepLivelihoodProjectFigures,
};
