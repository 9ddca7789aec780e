import { describe, expect, it } from 'vitest';
import { addMonths, outstandingOf } from './balance.js';
import type { Loan, LoanRepayment } from './db/tables.js';
import { checkEligibility, listsInForce, reviewYearsFor } from './eligibility.js';

describe('eligibility by the lists in force (review year = disbursement year - 1)', () => {
  it('judges a 2024 poor-household loan by the 2023 review', () => {
    expect(listsInForce(2024)).toBe(2023);
    expect(reviewYearsFor('poor', 2024)).toEqual([2023]);
    expect(checkEligibility('poor', 2024, { 2023: 'POOR' }).eligible).toBe(true);
    expect(checkEligibility('poor', 2024, { 2023: 'NEAR_POOR', 2024: 'POOR' }).eligible).toBe(false);
    expect(checkEligibility('poor', 2024, {}).eligible).toBe(false);
    expect(checkEligibility('near_poor', 2025, { 2024: 'NEAR_POOR' }).eligible).toBe(true);
    expect(checkEligibility('near_poor', 2025, { 2024: 'POOR' }).eligible).toBe(false);
    expect(checkEligibility('any_registered', 2026, {}).eligible).toBe(true);
  });

  it('counts as newly escaped only a household poor in one of the three reviews before the lists in force and not poor now', () => {
    expect(reviewYearsFor('newly_escaped', 2025)).toEqual([2021, 2022, 2023, 2024]);
    expect(checkEligibility('newly_escaped', 2025, { 2021: 'POOR', 2024: 'NEAR_POOR' }).eligible).toBe(true);
    expect(checkEligibility('newly_escaped', 2025, { 2023: 'POOR', 2024: 'MIDDLE_INCOME' }).eligible).toBe(true);
    expect(checkEligibility('newly_escaped', 2025, { 2020: 'POOR', 2024: 'NEAR_POOR' }).eligible).toBe(false);
    expect(checkEligibility('newly_escaped', 2025, { 2023: 'POOR', 2024: 'POOR' }).eligible).toBe(false);
    expect(checkEligibility('newly_escaped', 2025, { 2023: 'POOR' }).eligible).toBe(false);
  });
});

describe('balances', () => {
  const loan = { principal: 100, disbursed_on: '2024-01-10', written_off_on: null } as Loan;
  const paid = [
    { paid_on: '2024-06-10', principal: 30 },
    { paid_on: '2024-12-10', principal: 50 },
  ] as LoanRepayment[];

  it('derives the outstanding principal at a date', () => {
    expect(outstandingOf(loan, paid, '2024-01-09')).toBe(0);
    expect(outstandingOf(loan, paid, '2024-01-10')).toBe(100);
    expect(outstandingOf(loan, paid, '2024-06-10')).toBe(70);
    expect(outstandingOf(loan, paid, '2025-01-01')).toBe(20);
    expect(outstandingOf({ ...loan, written_off_on: '2024-12-31' }, paid, '2024-12-30')).toBe(20);
    expect(outstandingOf({ ...loan, written_off_on: '2024-12-31' }, paid, '2024-12-31')).toBe(0);
  });

  it('adds months, clamping to the end of a shorter month', () => {
    expect(addMonths('2024-03-01', 36)).toBe('2027-03-01');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-11-15', 2)).toBe('2024-01-15');
    expect(addMonths('2024-08-31', 180)).toBe('2039-08-31');
  });
});
