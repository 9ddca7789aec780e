import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The city's labour statistics (City.labourStatistics) are written by a mutation
// (recordLabourStatistics) as well as seeded: every change moves the epoch (they name no commune),
// so that whole answers reading them may be kept (loaders.ts, keptResponseRules).

const TABLES = {
  labour_statistics: null,
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
