import type { Classification, CommuneKind, PovertyStandard, Transition } from './db/tables.js';

/** A standard's rules as the scorer needs them: loaded from the database, never constants. */
export interface StandardRules {
  code: string;
  ruralIncomeLine: number;
  urbanIncomeLine: number;
  ruralMiddleIncomeLine: number;
  urbanMiddleIncomeLine: number;
  poorMinDeprivations: number;
  /** The indicator codes of the standard; deprivations outside this list do not count. */
  indicatorCodes: readonly string[];
}

export function rulesOf(standard: PovertyStandard, indicatorCodes: readonly string[]): StandardRules {
  return {
    code: standard.code,
    ruralIncomeLine: standard.rural_income_line,
    urbanIncomeLine: standard.urban_income_line,
    ruralMiddleIncomeLine: standard.rural_middle_income_line,
    urbanMiddleIncomeLine: standard.urban_middle_income_line,
    poorMinDeprivations: standard.poor_min_deprivations,
    indicatorCodes,
  };
}

export interface Scoring {
  classification: Classification;
  deprivationCount: number;
}

/**
 * Scores a household under a standard (Decree 07/2021/NĐ-CP for 2022-2025):
 * - at or below the income line: poor with `poorMinDeprivations` (3) or more deprivations,
 *   near-poor with fewer;
 * - above the line, up to the middle-income line: middle income;
 * - above that: above middle income.
 * Wards use the urban lines, rural communes the rural ones.
 */
export function score(rules: StandardRules, input: { communeKind: CommuneKind; incomePerPersonMonthly: number; deprivations: readonly string[] }): Scoring {
  const urban = input.communeKind === 'ward';
  const line = urban ? rules.urbanIncomeLine : rules.ruralIncomeLine;
  const middleLine = urban ? rules.urbanMiddleIncomeLine : rules.ruralMiddleIncomeLine;
  const counted = new Set(input.deprivations.filter((code) => rules.indicatorCodes.includes(code)));
  const deprivationCount = counted.size;
  let classification: Classification;
  if (input.incomePerPersonMonthly <= line) {
    classification = deprivationCount >= rules.poorMinDeprivations ? 'poor' : 'near_poor';
  } else if (input.incomePerPersonMonthly <= middleLine) {
    classification = 'middle_income';
  } else {
    classification = 'above_middle_income';
  }
  return { classification, deprivationCount };
}

/**
 * The change between a household's previous review and this one. Leaving poverty counts as
 * escaping poverty even when the household is now near-poor; a first review counts as "newly"
 * poor or near-poor, since the household was on neither list before.
 */
export function transition(previous: Classification | undefined, current: Classification): Transition {
  const wasPoor = previous === 'poor';
  const wasNearPoor = previous === 'near_poor';
  if (current === 'poor') return wasPoor ? 'unchanged' : 'newly_poor';
  if (wasPoor) return 'escaped_poverty';
  if (current === 'near_poor') return wasNearPoor ? 'unchanged' : 'newly_near_poor';
  if (wasNearPoor) return 'escaped_near_poverty';
  return 'unchanged';
}
