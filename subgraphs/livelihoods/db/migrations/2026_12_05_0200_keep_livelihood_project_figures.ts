import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The livelihood projects (their budgets, beside the totals of their participants)
// are created by a mutation (createLivelihoodProject) as well as seeded: every change moves the
// epoch (a project names no commune), so that whole answers reading them may be kept (loaders.ts,
// keptResponseRules).

const TABLES = {
  livelihood_project: null,
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
