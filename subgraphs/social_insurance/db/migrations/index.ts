import type { Migration } from 'kysely';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';
import { keptMigrations } from '../../../../platform/kept.js';
import * as createSocialInsurance from './2026_11_28_1100_create_social_insurance.js';
import * as createReportedStatistic from './2026_11_28_1200_create_reported_statistic.js';
import * as createHealthInsuranceRollups from './2026_11_29_0900_create_health_insurance_rollups.js';
import * as keepSocialFigures from './2026_12_04_2010_keep_social_figures.js';
import * as dropUnreadIndex from './2026_12_04_2300_drop_unread_index.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1100_create_social_insurance': createSocialInsurance,
  '2026_11_28_1200_create_reported_statistic': createReportedStatistic,
  '2026_11_29_0900_create_health_insurance_rollups': createHealthInsuranceRollups,
  ...auditMigrations,
  ...writeMigrations,
  ...keptMigrations,
  '2026_12_04_2010_keep_social_figures': keepSocialFigures,
  '2026_12_04_2300_drop_unread_index': dropUnreadIndex,
};
