import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The social figures are read from the health-insurance rollups and the other supports' own
// tables, each with its commune.

const TABLES = {
  health_insurance_rollup: 'commune_code',
  health_insurance_gap: 'commune_code',
  voluntary_insurance_support: 'commune_code',
  tuition_support: 'commune_code',
  electricity_subsidy: 'commune_code',
  social_allowance: 'commune_code',
  emergency_relief: 'commune_code',
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
