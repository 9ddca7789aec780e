import type { Kysely } from 'kysely';
import { forgetFigures, keepFigures } from '../../../../platform/migrations/2026_12_04_2000_figure_version.js';

// Frozen in time. The livelihood figures are read from participations, their support items (an item's commune
// is its participant's) and the high-tech models.

const TABLES = {
  livelihood_participant: 'commune_code',
  livelihood_support_item: '(SELECT p.commune_code FROM livelihood_participant p WHERE p.id = t.participant_id)',
  livelihood_high_tech_model: 'commune_code',
};

export const up = (db: Kysely<any>): Promise<void> => keepFigures(db, TABLES);
export const down = (db: Kysely<any>): Promise<void> => forgetFigures(db, TABLES);
