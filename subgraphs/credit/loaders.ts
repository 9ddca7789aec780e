import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { CreditDatabase, Loan, LoanProgramme, LoanRepayment } from './db/tables.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { cityScope, type KeptRequest } from '../../platform/kept.js';
import { communeFigureLoader } from '../../platform/figure-loaders.js';
import { periodKey, type Period } from '../../platform/period.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

/** Figures of one area: the all-programme total and one entry per programme that has any. */
export interface AreaFigures<R> {
  total: R | undefined;
  byProgramme: Map<string, R>;
}

/** Splits GROUPING SETS rows into areas (commune code, or null for the city). */
function toAreas<R extends { commune_code: string | null; programme_code: string | null }>(rows: readonly R[]): Map<string | null, AreaFigures<R>> {
  const areas = new Map<string | null, AreaFigures<R>>();
  for (const row of rows) {
    let area = areas.get(row.commune_code);
    if (!area) areas.set(row.commune_code, (area = { total: undefined, byProgramme: new Map() }));
    if (row.programme_code === null) area.total = row;
    else area.byProgramme.set(row.programme_code, row);
  }
  return areas;
}

const NO_FIGURES = <R>(): AreaFigures<R> => ({ total: undefined, byProgramme: new Map() });

/** A distinct-household count over a group of programmes: where, when, which codes (sorted). */
export interface GroupKey {
  area: string;
  from: string;
  to: string;
  codes: readonly string[];
}
const groupOf = (k: GroupKey): string => `${k.from}|${k.to}|${k.codes.join(',')}`;
const groupKeyOf = (k: GroupKey): string => `${k.area}|${groupOf(k)}`;

/**
 * One set of loaders per request. Area figures come from one statement per distinct period (or
 * date), whatever the number of communes asked for; a statement reads only the communes asked,
 * and only those whose answer is not kept (see platform/kept.ts).
 */
export function createLoaders(db: Kysely<CreditDatabase>, kept: KeptRequest) {
  const allProgrammes = new DataLoader<'all', LoanProgramme[]>(async (keys) => {
    const rows = await repo.findProgrammes(db);
    return keys.map(() => rows);
  });

  return {
    allProgrammes,
    programmeByCode: new DataLoader<string, LoanProgramme | undefined>(async (codes) => byKey(codes, await allProgrammes.load('all'), (p) => p.code)),
    loanById: new DataLoader<number, Loan | undefined>(async (ids) => byKey(ids, await repo.findLoansByIds(db, ids), (l) => l.id)),
    loansByHousehold: new DataLoader<number, Loan[]>(async (ids) => groupBy(ids, await repo.findLoansByHouseholdIds(db, ids), (l) => l.household_id)),
    repaymentsByLoan: new DataLoader<number, LoanRepayment[]>(async (ids) => groupBy(ids, await repo.findRepaymentsByLoanIds(db, ids), (r) => r.loan_id)),
    /** A commune's disbursement figures of a period: one statement per distinct period. */
    communeDisbursements: communeFigureLoader<Period, AreaFigures<repo.DisbursementRow>>(
      kept,
      'communeDisbursements',
      periodKey,
      async (p, communes) => toAreas(await repo.disbursementFigures(db, p.from, p.to, communes)),
      () => NO_FIGURES(),
    ),
    /** The city's disbursement figures of a period. */
    cityDisbursements: kept.loader<Period, AreaFigures<repo.DisbursementRow>>(
      'cityDisbursements',
      cityScope,
      async (periods) =>
        Promise.all(
          periods.map(async (p) => toAreas(await repo.disbursementFigures(db, p.from, p.to, undefined)).get(null) ?? NO_FIGURES<repo.DisbursementRow>()),
        ),
      { cacheKeyFn: periodKey },
    ),
    /**
     * Distinct households that borrowed under any of a group of programmes (`codes` sorted), in
     * a commune or, with `area` '', the city. One statement per distinct period and group, for
     * every commune asked with it.
     */
    householdsBorrowingUnder: new DataLoader<GroupKey, number, string>(
      async (keys) => {
        const groups = [...new Set(keys.map(groupOf))];
        const asked = groupBy(groups, keys, groupOf);
        const counts = new Map<string, number>();
        await Promise.all(
          groups.map(async (group, i) => {
            const { from, to, codes } = asked[i]![0]!;
            const areas = new Set(asked[i]!.map((k) => k.area));
            const communes = [...areas].filter((a) => a !== '');
            const fetches = [
              ...(communes.length ? [repo.householdsBorrowingUnder(db, from, to, codes, communes)] : []),
              ...(areas.has('') ? [repo.householdsBorrowingUnder(db, from, to, codes, undefined)] : []),
            ];
            for (const rows of await Promise.all(fetches)) for (const row of rows) counts.set(`${row.commune_code ?? ''}|${group}`, row.households);
          }),
        );
        return keys.map((key) => counts.get(groupKeyOf(key)) ?? 0);
      },
      { cacheKeyFn: groupKeyOf },
    ),
    /** A commune's outstanding balances on a date: one statement per distinct date. */
    communeOutstanding: communeFigureLoader<string, AreaFigures<repo.OutstandingRow>>(
      kept,
      'communeOutstanding',
      (asOf) => asOf,
      async (asOf, communes) => toAreas(await repo.outstandingFigures(db, asOf, communes)),
      () => NO_FIGURES(),
    ),
    /** Key asOf: the city's outstanding balances on that date. */
    cityOutstanding: kept.loader<string, AreaFigures<repo.OutstandingRow>>('cityOutstanding', cityScope, async (dates) =>
      Promise.all(dates.map(async (d) => toAreas(await repo.outstandingFigures(db, d, undefined)).get(null) ?? NO_FIGURES<repo.OutstandingRow>())),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from tables that move the versions (the migrations *_keep_credit_figures and
 * *_keep_loan_and_capital_figures), reference data only a migration writes, entity keys and
 * arguments. Each reads:
 *
 * - disbursement and outstanding figures of a commune or the city, with their lines per
 *   programme (Commune/City.creditFigures, .creditOutstanding, their byProgramme): credit_rollup
 *   and credit_household_gap, for the period or the date given (required arguments, no default:
 *   never "today"), and the programme list;
 * - the programmes (Query.loanProgrammes, every LoanProgramme field): loan_programme, reference
 *   rows that only migrations write (2026_11_28_1010_seed_loan_programmes);
 * - households borrowing under a group of programmes (CreditFigures.borrowingHouseholdsUnder):
 *   loan, and the programme list to check the group (which groups a caller may ask depends on
 *   counts:exact, part of the visibility class);
 * - capital entrusted (City.capitalEntrusted): capital_entrusted.
 *
 * Not kept: loans, repayments and credit summaries (household-level), Loan.outstanding and
 * Household.creditSummary (their date defaults to today).
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Commune.code',
    'Commune.creditFigures',
    'Commune.creditOutstanding',
    'City.code',
    'City.creditFigures',
    'City.creditOutstanding',
    'City.capitalEntrusted',
    'CreditFigures.from',
    'CreditFigures.to',
    'CreditFigures.amountDisbursed',
    'CreditFigures.loans',
    'CreditFigures.borrowingHouseholds',
    'CreditFigures.jobsCreated',
    'CreditFigures.borrowingHouseholdsUnder',
    'CreditFigures.byProgramme',
    'CreditProgrammeFigures.programme',
    'CreditProgrammeFigures.amountDisbursed',
    'CreditProgrammeFigures.loans',
    'CreditProgrammeFigures.borrowingHouseholds',
    'CreditProgrammeFigures.jobsCreated',
    'CreditOutstanding.asOf',
    'CreditOutstanding.outstanding',
    'CreditOutstanding.loansWithBalance',
    'CreditOutstanding.borrowersWithBalance',
    'CreditOutstanding.byProgramme',
    'CreditProgrammeOutstanding.programme',
    'CreditProgrammeOutstanding.outstanding',
    'CreditProgrammeOutstanding.loansWithBalance',
    'CreditProgrammeOutstanding.borrowersWithBalance',
    'Query.loanProgrammes',
    'LoanProgramme.code',
    'LoanProgramme.name',
    'LoanProgramme.description',
    'LoanProgramme.eligibility',
    'LoanProgramme.annualRatePercent',
    'LoanProgramme.priorityRatePercent',
    'LoanProgramme.maxAmount',
    'LoanProgramme.maxTermMonths',
    'LoanProgramme.graceMonths',
    'LoanProgramme.recordsJobs',
    'CreditCapitalEntrusted.fromYear',
    'CreditCapitalEntrusted.toYear',
    'CreditCapitalEntrusted.total',
    'CreditCapitalEntrusted.entries',
    'CreditCapitalEntry.year',
    'CreditCapitalEntry.amount',
    'CreditCapitalEntry.sourceNote',
  ],
  // Both resolve from their key alone.
  entities: ['Commune', 'City'],
};
