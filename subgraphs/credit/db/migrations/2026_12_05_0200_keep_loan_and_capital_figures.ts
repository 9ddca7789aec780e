import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. Two more tables figures are read from, so that whole answers reading them may
// be kept (loaders.ts, keptResponseRules):
// - loan: a distinct-household count over a group of programmes (CreditFigures.borrowingHouseholdsUnder)
//   reads the loans themselves, since the rollups keep no group of programmes. A loan's writes
//   also move its rollups, but not every write path need (psql, a repair script): the trigger does.
// - capital_entrusted: the city's capital entrusted to the bank (City.capitalEntrusted), loaded
//   with the data set, not by a migration; a row without a commune moves the epoch.

const TABLES = {
  loan: 'commune_code',
  capital_entrusted: null,
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
