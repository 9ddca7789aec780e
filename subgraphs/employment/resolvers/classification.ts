import type { HouseholdClassification } from '../db/tables.js';

/** True for the registry's poor and near-poor lists (as in force when a record was made). */
export const poorOrNearPoor = (c: HouseholdClassification | null) => c === 'poor' || c === 'near_poor';
