import type { Migration } from 'kysely';
import * as createLivelihoods from './2026_11_28_1000_create_livelihoods.js';
import * as seedReferenceData from './2026_11_28_1010_seed_reference_data.js';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1000_create_livelihoods': createLivelihoods,
  '2026_11_28_1010_seed_reference_data': seedReferenceData,
  ...auditMigrations,
  ...writeMigrations,
};
