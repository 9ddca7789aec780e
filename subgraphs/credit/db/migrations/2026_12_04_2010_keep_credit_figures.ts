import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The credit figures (disbursements, outstanding balances) are read from these
// two tables only: every change to them moves the versions of the communes it touches.

const TABLES = {
  credit_rollup: 'commune_code',
  credit_household_gap: 'commune_code',
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
