import { checkPeriod, periodKey as commonPeriodKey } from '../../../platform/period.js';
import type { LoanProgramme } from '../db/tables.js';
import type { AreaFigures } from '../loaders.js';
import type { DisbursementRow, OutstandingRow } from '../repository.js';

// CreditFigures and CreditOutstanding as GraphQL shows them: the one mapping place from rows to
// fields. Every programme is listed (zeros where it lent nothing), so that a dashboard's columns
// do not move.

/** The DataLoader key of a figures period, refused (naming `to`) when it ends before it starts. */
export function periodKey(from: string, to: string): string {
  return commonPeriodKey(checkPeriod(from, to));
}

const disbursed = (r: DisbursementRow | undefined) => ({
  amountDisbursed: r?.amount ?? 0,
  loans: r?.loans ?? 0,
  borrowingHouseholds: r?.households ?? 0,
  jobsCreated: r?.jobs ?? 0,
});

export function toCreditFigures(from: string, to: string, area: AreaFigures<DisbursementRow> | undefined, programmes: readonly LoanProgramme[]) {
  return {
    from,
    to,
    ...disbursed(area?.total),
    byProgramme: programmes.map((programme) => ({ programme, ...disbursed(area?.byProgramme.get(programme.code)) })),
  };
}

const outstanding = (r: OutstandingRow | undefined) => ({
  outstanding: r?.outstanding ?? 0,
  loansWithBalance: r?.loans ?? 0,
  borrowersWithBalance: r?.households ?? 0,
});

export function toCreditOutstanding(asOf: string, area: AreaFigures<OutstandingRow> | undefined, programmes: readonly LoanProgramme[]) {
  return {
    asOf,
    ...outstanding(area?.total),
    byProgramme: programmes.map((programme) => ({ programme, ...outstanding(area?.byProgramme.get(programme.code)) })),
  };
}
