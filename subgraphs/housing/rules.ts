import type { RegistryClassification } from '../../platform/registry-client.js';
import type { HousingCaseStatus } from './db/tables.js';

// The housing subgraph's business rules, free of I/O so that unit tests can hold them.

/** What a mutation does to a case. */
export type HousingAction = 'start' | 'complete' | 'cancel';

/**
 * The case state machine, in one place:
 *   APPROVED --start--> BUILDING --complete--> COMPLETED
 *   APPROVED | BUILDING --cancel--> CANCELLED
 * COMPLETED and CANCELLED are final.
 */
export const TRANSITIONS: Readonly<Record<HousingAction, { from: readonly HousingCaseStatus[]; to: HousingCaseStatus }>> = {
  start: { from: ['approved'], to: 'building' },
  complete: { from: ['building'], to: 'completed' },
  cancel: { from: ['approved', 'building'], to: 'cancelled' },
};

const VERB: Record<HousingAction, string> = { start: 'start building on', complete: 'complete', cancel: 'cancel' };

/** Why a status refuses an action, in words a case officer recognises. */
function refusalReason(status: HousingCaseStatus, action: HousingAction): string {
  if (status === 'cancelled') return 'it was cancelled';
  if (status === 'completed') return 'it is already completed';
  if (action === 'complete' && status === 'approved') return 'building never started (record the start first)';
  if (action === 'start' && status === 'building') return 'building already started';
  return `it is ${status.toUpperCase()}`;
}

export type TransitionResult = { ok: true; to: HousingCaseStatus } | { ok: false; reason: string };

/** The status a case moves to under `action`, or why it cannot. */
export function transition(status: HousingCaseStatus, action: HousingAction): TransitionResult {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(status)) return { ok: true, to: rule.to };
  return { ok: false, reason: `cannot ${VERB[action]} the case: ${refusalReason(status, action)}` };
}

/**
 * The poor / near-poor lists in force during calendar year Y are those of review year Y-1: the
 * periodic review at the end of Y-1 (1 September to 14 December) draws the lists for Y. So a
 * case approved on 2025-03-01 is judged by the household's classification in review year 2024.
 */
export function listReviewYear(date: string): number {
  return Number(date.slice(0, 4)) - 1;
}

/**
 * House building and renovation support goes to households on the poor or near-poor list
 * (Hanoi's programme supports both; the near-poor are most of the list after 2023).
 */
export function eligibleForHousing(classification: RegistryClassification | null | undefined): boolean {
  return classification === 'POOR' || classification === 'NEAR_POOR';
}

/**
 * A VBSP_HOUSING_LOAN funding line claims a loan under the bank's housing programme for poor
 * households (HOUSING_POOR in the credit subgraph, which keeps its rules as data): the bank lends
 * it only to a household on the *poor* list in force, up to 40 million đồng. A line the bank would
 * refuse would be money the case never gets, so it is refused here too. The housing subgraph
 * cannot read the bank's tables; subgraphs/housing/tests/housing.test.ts checks that these two values still match
 * the credit subgraph's programme.
 */
export const VBSP_HOUSING_LOAN = { classification: 'POOR', ceiling: 40_000_000 } as const;

/**
 * Why a case's VBSP housing-loan lines (those already on it plus the new ones) are ones the
 * bank would not lend, or undefined when it would (or when there are none).
 */
export function vbspLineRefusal(classification: RegistryClassification | null | undefined, reviewYear: number, vbspTotal: number): string | undefined {
  if (vbspTotal === 0) return undefined;
  if (classification !== VBSP_HOUSING_LOAN.classification) {
    return `a VBSP_HOUSING_LOAN line claims a loan of the bank's housing programme, which lends only to households on the poor list in force (review ${reviewYear}: ${classification ?? 'not reviewed'})`;
  }
  if (vbspTotal > VBSP_HOUSING_LOAN.ceiling) {
    return `VBSP_HOUSING_LOAN lines come to ${vbspTotal} đồng on the case, above the bank's housing loan ceiling of ${VBSP_HOUSING_LOAN.ceiling} đồng`;
  }
  return undefined;
}
