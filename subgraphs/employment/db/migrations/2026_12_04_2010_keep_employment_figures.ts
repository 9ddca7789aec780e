import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The employment figures are read from the placement and training rollups and the job fairs.

const TABLES = {
  employment_placement_rollup: 'commune_code',
  employment_training_rollup: 'commune_code',
  job_fair: 'commune_code',
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
