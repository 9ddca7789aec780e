import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { CreditDatabase, Loan, LoanProgramme, LoanRepayment } from './db/tables.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { cityScope, communeOfKey, type KeptRequest } from '../../platform/kept.js';
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

/** Period keys are "from|to". */
function splitPeriod(key: string): [string, string] {
  const [from, to] = key.split('|');
  return [from!, to!];
}

const NO_FIGURES = <R>(): AreaFigures<R> => ({ total: undefined, byProgramme: new Map() });

/**
 * Batches keys "commune|rest" into one statement per distinct `rest` (a period or a date) for
 * all the communes asked with it, and hands each key its commune's figures.
 */
function perCommune<R extends { commune_code: string | null; programme_code: string | null }>(
  kept: KeptRequest,
  field: string,
  fetch: (rest: string, communes: readonly string[]) => Promise<readonly R[]>,
) {
  return kept.loader<string, AreaFigures<R>>(field, communeOfKey, async (keys) => {
    const asked = new Map<string, Set<string>>();
    for (const key of keys) {
      const i = key.indexOf('|');
      const rest = key.slice(i + 1);
      asked.set(rest, (asked.get(rest) ?? new Set()).add(key.slice(0, i)));
    }
    const answers = new Map(
      await Promise.all([...asked].map(async ([rest, communes]) => [rest, toAreas(await fetch(rest, [...communes]))] as const)),
    );
    return keys.map((key) => {
      const i = key.indexOf('|');
      return answers.get(key.slice(i + 1))?.get(key.slice(0, i)) ?? NO_FIGURES<R>();
    });
  });
}

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
    /** Key "commune|from|to": a commune's disbursement figures of the period. */
    communeDisbursements: perCommune(kept, 'communeDisbursements', (period, communes) => repo.disbursementFigures(db, ...splitPeriod(period), communes)),
    /** Key "from|to": the city's disbursement figures of the period. */
    cityDisbursements: kept.loader<string, AreaFigures<repo.DisbursementRow>>('cityDisbursements', cityScope, async (periods) =>
      Promise.all(periods.map(async (p) => toAreas(await repo.disbursementFigures(db, ...splitPeriod(p), undefined)).get(null) ?? NO_FIGURES<repo.DisbursementRow>())),
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
    /** Key "commune|asOf": a commune's outstanding balances on that date. */
    communeOutstanding: perCommune(kept, 'communeOutstanding', (asOf, communes) => repo.outstandingFigures(db, asOf, communes)),
    /** Key asOf: the city's outstanding balances on that date. */
    cityOutstanding: kept.loader<string, AreaFigures<repo.OutstandingRow>>('cityOutstanding', cityScope, async (dates) =>
      Promise.all(dates.map(async (d) => toAreas(await repo.outstandingFigures(db, d, undefined)).get(null) ?? NO_FIGURES<repo.OutstandingRow>())),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from kept figures, entity keys and arguments. A commune's disbursement and outstanding totals (kept loaders above). Not
 * `byProgramme`: the programmes table moves no version.
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Commune.code',
    'Commune.creditFigures',
    'Commune.creditOutstanding',
    'CreditFigures.from',
    'CreditFigures.to',
    'CreditFigures.amountDisbursed',
    'CreditFigures.loans',
    'CreditFigures.borrowingHouseholds',
    'CreditFigures.jobsCreated',
    'CreditOutstanding.asOf',
    'CreditOutstanding.outstanding',
    'CreditOutstanding.loansWithBalance',
    'CreditOutstanding.borrowersWithBalance',
  ],
  entities: ['Commune'],
};
