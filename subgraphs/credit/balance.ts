import type { Loan, LoanRepayment } from './db/tables.js';

/**
 * Principal outstanding on a loan at the end of `asOf`: the principal if it was disbursed on or
 * before that date, minus the principal repaid on or before it; zero once the loan is written
 * off. Derived, never stored. `outstandingFigures` in repository.ts applies the same rule in SQL.
 */
export function outstandingOf(loan: Loan, repayments: readonly LoanRepayment[], asOf: string): number {
  if (loan.disbursed_on > asOf) return 0;
  if (loan.written_off_on !== null && loan.written_off_on <= asOf) return 0;
  const repaid = repayments.reduce((sum, r) => (r.paid_on <= asOf ? sum + r.principal : sum), 0);
  return loan.principal - repaid;
}

/** The date a term of `months` ends: the same day of month, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}
