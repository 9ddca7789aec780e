import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The housing figures are read from cases, their funding lines (a line's commune is its
// case's) and the Fund's contributions (a contribution without a commune moves the city's row).

const TABLES = {
  housing_case: 'commune_code',
  housing_funding_line: '(SELECT c.commune_code FROM housing_case c WHERE c.id = t.case_id)',
  fund_contribution: 'commune_code',
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
