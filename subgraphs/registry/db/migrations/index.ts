import type { Migration } from 'kysely';
import * as createRegistry from './2026_11_28_0900_create_registry.js';
import * as seedReferenceData from './2026_11_28_0910_seed_reference_data.js';
import * as createPovertyRollups from './2026_11_29_1100_create_poverty_rollups.js';
import * as povertyRollupPeriodic from './2026_12_04_1700_poverty_rollup_periodic.js';
import * as reviewYearConvention from './2026_12_04_1710_review_year_convention.js';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_0900_create_registry': createRegistry,
  '2026_11_28_0910_seed_reference_data': seedReferenceData,
  ...auditMigrations,
  '2026_11_29_1100_create_poverty_rollups': createPovertyRollups,
  ...writeMigrations,
  '2026_12_04_1700_poverty_rollup_periodic': povertyRollupPeriodic,
  '2026_12_04_1710_review_year_convention': reviewYearConvention,
};
