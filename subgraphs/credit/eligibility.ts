import type { RegistryClassification } from '../../platform/registry-client.js';
import { classificationVi } from '../../platform/consistency.js';
import type { Eligibility } from './db/tables.js';

/**
 * The poor and near-poor lists in force during calendar year Y are those drawn by the periodic
 * review at the end of year Y-1. So a loan disbursed in year Y is judged by the household's
 * classification in review year Y-1 (for example a poor-household loan disbursed on 2024-03-01
 * needs POOR in review year 2023).
 */
export function listsInForce(disbursementYear: number): number {
  return disbursementYear - 1;
}

/** "Escaped poverty within three years": poor in one of the three review years before the lists in force. */
export const NEWLY_ESCAPED_YEARS = 3;

/** The review years the registry must be asked about for a loan disbursed in `disbursementYear`. */
export function reviewYearsFor(eligibility: Eligibility, disbursementYear: number): number[] {
  const inForce = listsInForce(disbursementYear);
  if (eligibility === 'poor' || eligibility === 'near_poor') return [inForce];
  if (eligibility === 'newly_escaped') return Array.from({ length: NEWLY_ESCAPED_YEARS + 1 }, (_, i) => inForce - NEWLY_ESCAPED_YEARS + i);
  return [];
}

/**
 * Whether a household met a programme's eligibility, given its classification by review year
 * (null when not reviewed that year). Returns the reason when it did not.
 */
export function checkEligibility(
  eligibility: Eligibility,
  disbursementYear: number,
  classificationByYear: Record<number, RegistryClassification | null>,
): { eligible: true } | { eligible: false; reason: string; reasonVi: string } {
  const inForce = listsInForce(disbursementYear);
  const current = classificationByYear[inForce] ?? null;
  const shown = current ?? 'not reviewed';
  const shownVi = classificationVi(current);
  switch (eligibility) {
    case 'any_registered':
      return { eligible: true };
    case 'poor':
      return current === 'POOR'
        ? { eligible: true }
        : {
            eligible: false,
            reason: `the household was not poor in review year ${inForce} (${shown}), whose lists are in force in ${disbursementYear}`,
            reasonVi: `hộ không thuộc danh sách hộ nghèo của rà soát năm ${inForce} (${shownVi}), danh sách áp dụng năm ${disbursementYear}`,
          };
    case 'near_poor':
      return current === 'NEAR_POOR'
        ? { eligible: true }
        : {
            eligible: false,
            reason: `the household was not near-poor in review year ${inForce} (${shown}), whose lists are in force in ${disbursementYear}`,
            reasonVi: `hộ không thuộc danh sách hộ cận nghèo của rà soát năm ${inForce} (${shownVi}), danh sách áp dụng năm ${disbursementYear}`,
          };
    case 'newly_escaped': {
      if (current === null || current === 'POOR') {
        return {
          eligible: false,
          reason: `the household was ${current === null ? 'not reviewed' : 'still poor'} in review year ${inForce}, whose lists are in force in ${disbursementYear}`,
          reasonVi: `hộ ${current === null ? 'chưa được rà soát' : 'vẫn là hộ nghèo'} trong rà soát năm ${inForce}, danh sách áp dụng năm ${disbursementYear}`,
        };
      }
      const earlier = Array.from({ length: NEWLY_ESCAPED_YEARS }, (_, i) => inForce - NEWLY_ESCAPED_YEARS + i);
      return earlier.some((y) => classificationByYear[y] === 'POOR')
        ? { eligible: true }
        : {
            eligible: false,
            reason: `the household was not poor in any review year ${earlier[0]}-${earlier.at(-1)}, so it did not escape poverty within ${NEWLY_ESCAPED_YEARS} years`,
            reasonVi: `hộ không là hộ nghèo trong rà soát nào các năm ${earlier[0]}-${earlier.at(-1)}, nên không phải hộ mới thoát nghèo trong ${NEWLY_ESCAPED_YEARS} năm`,
          };
    }
  }
}
