import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The poverty figures and household counts are read from these tables: every change to them
// moves the versions of the communes it touches (the commune list itself, of the city's count).

const TABLES = {
  poverty_year_rollup: 'commune_code',
  poverty_whatif_rollup: 'commune_code',
  poverty_status_change: 'commune_code',
  commune_household_count: 'commune_code',
  commune: 'code',
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
