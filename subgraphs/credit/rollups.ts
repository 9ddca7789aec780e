import type { Kysely } from 'kysely';
import { writeRollupColumns, type OwnedTable, type RollupRecord, type Rollups, type SummedTable } from '../../platform/rollups.js';
import { creditRollups, ROLLUP_MEASURES, type GapRow, type LoanFacts, type RepaymentColumns, type RepaymentFacts, type RollupColumns } from './balance.js';
import type { CreditDatabase } from './db/tables.js';
import { findLoanFacts, findLoansByHouseholdIds, findRepaymentFacts, findRepaymentsByLoanIds } from './repository.js';

// Credit's rollups, declared for the one rollup mechanism (platform/rollups.ts): the writes
// (repository.ts), the demo data, the city data set and the rebuild at start all keep them by the
// rule of balance.ts, creditRollups, which is written nowhere else.

/** What the rule reads: some households' loans with all their repayments (or every loan there is). */
export interface CreditFacts {
  loans: readonly LoanFacts[];
  repayments: readonly RepaymentFacts[] | RepaymentColumns;
}

/** Per area and day, month and year: what happened (2026_11_29_0900_create_credit_rollups). */
const ROLLUP_TABLE: SummedTable = {
  kind: 'sum',
  table: 'credit_rollup',
  key: [
    { name: 'grain', type: 'text' },
    { name: 'period_start', type: 'date' },
    { name: 'commune_code', type: 'text' },
    { name: 'programme_code', type: 'text' },
  ],
  measures: ROLLUP_MEASURES.map((name) => ({ name, type: 'int8' })),
};

/** Each household's gaps, replaced whenever its loans change. */
const GAP_TABLE: OwnedTable = {
  kind: 'owned',
  table: 'credit_household_gap',
  owner: 'household_id',
  columns: [
    { name: 'household_id', type: 'int8' },
    { name: 'measure', type: 'text' },
    { name: 'commune_code', type: 'text' },
    { name: 'programme_code', type: 'text' },
    { name: 'areas', type: 'int2' },
    { name: 'gap', type: 'daterange' },
  ],
};

/** Loans read at a time when every repayment is read (a rebuild): 2.26 M repayments at city scale. */
const LOANS_PER_SLICE = 100_000;

export const creditRollupSet: Rollups<CreditDatabase, CreditFacts> = {
  name: 'credit',
  version: 1,
  tables: [ROLLUP_TABLE, GAP_TABLE],
  // The lock the writes took before the mechanism: a writer of an older process still takes turns.
  lockPrefix: 'credit.household',
  async facts(db, households) {
    if (households) {
      const loans = await findLoansByHouseholdIds(db, households);
      const repayments = loans.length
        ? await findRepaymentsByLoanIds(
            db,
            loans.map((l) => l.id),
          )
        : [];
      return { loans, repayments };
    }
    const loans = await findLoanFacts(db);
    return { loans, repayments: await everyRepayment(db, loans) };
  },
  derive({ loans, repayments }) {
    const { rows, gaps } = creditRollups(loans, repayments);
    return { credit_rollup: rows, credit_household_gap: gaps.map(gapRecord) };
  },
};

/** Every repayment of `loans` (in id order) as columns, read a slice of loans at a time. */
async function everyRepayment(db: Kysely<CreditDatabase>, loans: readonly LoanFacts[]): Promise<RepaymentColumns> {
  const columns = { loan_id: [] as number[], paid_on: [] as string[], principal: [] as number[] };
  for (let i = 0; i < loans.length; i += LOANS_PER_SLICE) {
    const last = loans[Math.min(loans.length, i + LOANS_PER_SLICE) - 1]!;
    for (const r of await findRepaymentFacts(db, loans[i]!.id, last.id)) {
      columns.loan_id.push(r.loan_id);
      columns.paid_on.push(r.paid_on);
      columns.principal.push(r.principal);
    }
  }
  return columns;
}

/** A gap as its table's row: the range as its literal, half-open ('infinity' has no end). */
function gapRecord(g: GapRow): RollupRecord {
  return {
    household_id: g.household_id,
    measure: g.measure,
    commune_code: g.commune_code,
    programme_code: g.programme_code,
    areas: g.areas,
    gap: `[${g.starts},${g.ends})`,
  };
}

/**
 * The city data set's rollups, derived by creditRollupColumns from the rows it wrote (the same
 * rule, its rows as typed columns, in key order): written in bulk without a million row objects,
 * and recorded as current so that the next start rebuilds nothing. In the load's transaction.
 */
export async function writeCityRollups(
  db: Kysely<CreditDatabase>,
  derived: { rows: RollupColumns; gaps: readonly GapRow[] },
): Promise<{ rows: number; gaps: number }> {
  const { rows, gaps } = derived;
  const records = gaps.map(gapRecord);
  await writeRollupColumns(db, creditRollupSet, {
    credit_rollup: [rows.grain, rows.period_start, rows.commune_code, rows.programme_code, ...rows.measures],
    credit_household_gap: GAP_TABLE.columns.map((c) => records.map((r) => r[c.name])),
  });
  return { rows: rows.grain.length, gaps: gaps.length };
}
