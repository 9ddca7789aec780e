import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { CreditDatabase, Loan, LoanProgramme, LoanRepayment } from './db/tables.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../common/batch.js';

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

/** Period keys are "from|to". */
function splitPeriod(key: string): [string, string] {
  const [from, to] = key.split('|');
  return [from!, to!];
}

/**
 * One set of loaders per request. Area figures come from one GROUP BY statement per distinct
 * period (or date), whatever the number of communes asked for.
 */
export function createLoaders(db: Kysely<CreditDatabase>) {
  const allProgrammes = new DataLoader<'all', LoanProgramme[]>(async (keys) => {
    const rows = await repo.findProgrammes(db);
    return keys.map(() => rows);
  });

  return {
    allProgrammes,
    programmeByCode: new DataLoader<string, LoanProgramme | undefined>(async (codes) =>
      byKey(codes, await allProgrammes.load('all'), (p) => p.code),
    ),
    loanById: new DataLoader<number, Loan | undefined>(async (ids) => byKey(ids, await repo.findLoansByIds(db, ids), (l) => l.id)),
    loansByHousehold: new DataLoader<number, Loan[]>(async (ids) =>
      groupBy(ids, await repo.findLoansByHouseholdIds(db, ids), (l) => l.household_id),
    ),
    repaymentsByLoan: new DataLoader<number, LoanRepayment[]>(async (ids) =>
      groupBy(ids, await repo.findRepaymentsByLoanIds(db, ids), (r) => r.loan_id),
    ),
    /** Key "from|to": every commune's disbursement figures of the period. */
    communeDisbursements: new DataLoader<string, Map<string | null, AreaFigures<repo.DisbursementRow>>>(async (periods) =>
      Promise.all(periods.map(async (p) => toAreas(await repo.disbursementFigures(db, ...splitPeriod(p), true)))),
    ),
    /** Key "from|to": the city's disbursement figures of the period. */
    cityDisbursements: new DataLoader<string, AreaFigures<repo.DisbursementRow>>(async (periods) =>
      Promise.all(
        periods.map(async (p) => toAreas(await repo.disbursementFigures(db, ...splitPeriod(p), false)).get(null) ?? { total: undefined, byProgramme: new Map() }),
      ),
    ),
    /** Key asOf: every commune's outstanding balances on that date. */
    communeOutstanding: new DataLoader<string, Map<string | null, AreaFigures<repo.OutstandingRow>>>(async (dates) =>
      Promise.all(dates.map(async (d) => toAreas(await repo.outstandingFigures(db, d, true)))),
    ),
    /** Key asOf: the city's outstanding balances on that date. */
    cityOutstanding: new DataLoader<string, AreaFigures<repo.OutstandingRow>>(async (dates) =>
      Promise.all(
        dates.map(async (d) => toAreas(await repo.outstandingFigures(db, d, false)).get(null) ?? { total: undefined, byProgramme: new Map() }),
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
