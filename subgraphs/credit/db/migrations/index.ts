import type { Migration } from 'kysely';
import { auditMigrations } from '../../../../platform/audit.js';
import { writeMigrations } from '../../../../platform/writes.js';
import { keptMigrations } from '../../../../platform/kept.js';
import * as createCredit from './2026_11_28_1000_create_credit.js';
import * as seedLoanProgrammes from './2026_11_28_1010_seed_loan_programmes.js';
import * as createCreditRollups from './2026_11_29_0900_create_credit_rollups.js';
import * as keepCreditFigures from './2026_12_04_2010_keep_credit_figures.js';
import * as dropUnreadIndex from './2026_12_04_2300_drop_unread_index.js';
import * as keepLoanAndCapitalFigures from './2026_12_05_0200_keep_loan_and_capital_figures.js';

/** In order; names are timestamps so that they sort the way they were written. */
export const migrations: Record<string, Migration> = {
  '2026_11_28_1000_create_credit': createCredit,
  '2026_11_28_1010_seed_loan_programmes': seedLoanProgrammes,
  '2026_11_29_0900_create_credit_rollups': createCreditRollups,
  ...auditMigrations,
  ...writeMigrations,
  ...keptMigrations,
  '2026_12_04_2010_keep_credit_figures': keepCreditFigures,
  '2026_12_04_2300_drop_unread_index': dropUnreadIndex,
  '2026_12_05_0200_keep_loan_and_capital_figures': keepLoanAndCapitalFigures,
};
