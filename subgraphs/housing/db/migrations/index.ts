import type { Migration } from 'kysely';
import * as createHousing from './2026_11_28_1100_create_housing.js';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1100_create_housing': createHousing,
  ...auditMigrations,
  ...writeMigrations,
};
