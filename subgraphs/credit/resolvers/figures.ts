import { badInput } from '../../../platform/errors.js';
import type { LoanProgramme } from '../db/tables.js';
import type { AreaFigures } from '../loaders.js';
import type { DisbursementRow, OutstandingRow } from '../repository.js';
import type { CreditFiguresResolvers } from './types.generated.js';

// CreditFigures and CreditOutstanding as GraphQL shows them: the one mapping place from rows to
// fields. Every programme is listed (zeros where it lent nothing), so that a dashboard's columns
// do not move.

const disbursed = (r: DisbursementRow | undefined) => ({
  amountDisbursed: r?.amount ?? 0,
  loans: r?.loans ?? 0,
  borrowingHouseholds: r?.households ?? 0,
  jobsCreated: r?.jobs ?? 0,
});

/**
 * `area` is the commune's code, or '' for the city: kept on the object (not a field) for
 * `borrowingHouseholdsUnder`, which reads its own statement.
 */
export function toCreditFigures(
  from: string,
  to: string,
  area: AreaFigures<DisbursementRow> | undefined,
  programmes: readonly LoanProgramme[],
  areaCode: string,
) {
  return {
    areaCode,
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

/**
 * The groups of programmes the city publishes a distinct-household count for (the 4,001
 * production-loan households of 2021-2024), codes sorted: the only groups a caller without exact
 * counts may ask for.
 */
export const PUBLISHED_GROUPS: readonly string[][] = [['NEAR_POOR_HOUSEHOLDS', 'NEWLY_ESCAPED_POVERTY', 'POOR_HOUSEHOLDS']];

export const CreditFigures: CreditFiguresResolvers = {
  borrowingHouseholdsUnder: async (figures, { programmes }, ctx) => {
    if (programmes.length === 0) throw badInput('programmes', 'programmes is empty: name at least one programme code (see loanProgrammes)');
    const known = new Set((await ctx.loaders.allProgrammes.load('all')).map((p) => p.code));
    const unknown = programmes.filter((code) => !known.has(code));
    if (unknown.length)
      throw badInput(
        'programmes',
        `programmes names ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')}, not a programme code; the codes are ${[...known].join(', ')}`,
      );
    const codes = [...new Set(programmes)].sort();
    if (codes.length !== programmes.length) throw badInput('programmes', 'programmes names a programme more than once');
    if (!ctx.auth.exact && !PUBLISHED_GROUPS.some((group) => group.join(',') === codes.join(','))) {
      throw badInput(
        'programmes',
        `without a token with exact counts, programmes is a group the city publishes: ${PUBLISHED_GROUPS.map((g) => `[${g.join(', ')}]`).join(' or ')}`,
      );
    }
    return ctx.loaders.householdsBorrowingUnder.load({ area: figures.areaCode, from: figures.from, to: figures.to, codes });
  },
};
