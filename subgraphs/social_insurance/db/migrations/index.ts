import type { Migration } from 'kysely';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';
import * as createSocialInsurance from './2026_11_28_1100_create_social_insurance.js';
import * as createReportedStatistic from './2026_11_28_1200_create_reported_statistic.js';
import * as createHealthInsuranceRollups from './2026_11_29_0900_create_health_insurance_rollups.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1100_create_social_insurance': createSocialInsurance,
  '2026_11_28_1200_create_reported_statistic': createReportedStatistic,
  '2026_11_29_0900_create_health_insurance_rollups': createHealthInsuranceRollups,
  ...auditMigrations,
  ...writeMigrations,
};
