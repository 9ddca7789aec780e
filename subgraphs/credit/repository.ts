import { sql, type Kysely } from 'kysely';
import type { CapitalEntrusted, CreditDatabase, Loan, LoanProgramme, LoanRepayment, LoanStatus, NewLoan, NewLoanRepayment } from './db/tables.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<CreditDatabase>;

export function findProgrammes(db: DB): Promise<LoanProgramme[]> {
  return db.selectFrom('loan_programme').selectAll().orderBy('position').execute();
}

export function findProgramme(db: DB, code: string): Promise<LoanProgramme | undefined> {
  return db.selectFrom('loan_programme').selectAll().where('code', '=', code).executeTakeFirst();
}

export function findLoansByIds(db: DB, ids: readonly number[]): Promise<Loan[]> {
  return db.selectFrom('loan').selectAll().where('id', '=', sql<number>`any(${[...ids]}::int8[])`).execute();
}

export function findLoansByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<Loan[]> {
  return db
    .selectFrom('loan')
    .selectAll()
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    .orderBy('household_id')
    .orderBy('disbursed_on')
    .orderBy('id')
    .execute();
}

export function findRepaymentsByLoanIds(db: DB, loanIds: readonly number[]): Promise<LoanRepayment[]> {
  return db
    .selectFrom('loan_repayment')
    .selectAll()
    .where('loan_id', '=', sql<number>`any(${[...loanIds]}::int8[])`)
    .orderBy('loan_id')
    .orderBy('paid_on')
    .orderBy('id')
    .execute();
}

export interface DisbursementRow {
  /** null on the city's rows. */
  commune_code: string | null;
  /** null on the all-programme total row of an area. */
  programme_code: string | null;
  amount: number;
  loans: number;
  households: number;
  jobs: number;
}

/**
 * Loans disbursed from `from` to `to` inclusive: one row per (commune, programme) and one total
 * row per commune (`perCommune`), or per programme and one total for the city. Distinct
 * households are counted in SQL for every grouping, since they cannot be summed across
 * programmes or communes.
 */
export async function disbursementFigures(db: DB, from: string, to: string, perCommune: boolean): Promise<DisbursementRow[]> {
  const sets = perCommune ? sql`(commune_code, programme_code), (commune_code)` : sql`(programme_code), ()`;
  const commune = perCommune ? sql`commune_code` : sql`NULL::char(5)`;
  const { rows } = await sql<DisbursementRow>`
    SELECT ${commune} AS commune_code, programme_code,
      sum(principal)::int8 AS amount,
      count(*)::int AS loans,
      count(DISTINCT household_id)::int AS households,
      sum(jobs_created)::int8 AS jobs
    FROM loan
    WHERE disbursed_on BETWEEN ${from}::date AND ${to}::date
    GROUP BY GROUPING SETS (${sets})`.execute(db);
  return rows;
}

export interface OutstandingRow {
  commune_code: string | null;
  programme_code: string | null;
  outstanding: number;
  loans: number;
  households: number;
}

/**
 * Principal outstanding at the end of `asOf`: each loan disbursed on or before it, minus its
 * principal repaid on or before it, leaving out loans written off on or before it. Grouped
 * like `disbursementFigures`. Same rule as `outstandingOf` in balance.ts.
 */
export async function outstandingFigures(db: DB, asOf: string, perCommune: boolean): Promise<OutstandingRow[]> {
  const sets = perCommune ? sql`(commune_code, programme_code), (commune_code)` : sql`(programme_code), ()`;
  const commune = perCommune ? sql`commune_code` : sql`NULL::char(5)`;
  const { rows } = await sql<OutstandingRow>`
    WITH repaid AS (
      SELECT loan_id, sum(principal) AS repaid FROM loan_repayment WHERE paid_on <= ${asOf}::date GROUP BY loan_id),
    balance AS (
      SELECT l.commune_code, l.programme_code, l.household_id, l.principal - coalesce(r.repaid, 0) AS balance
      FROM loan l LEFT JOIN repaid r ON r.loan_id = l.id
      WHERE l.disbursed_on <= ${asOf}::date AND (l.written_off_on IS NULL OR l.written_off_on > ${asOf}::date))
    SELECT ${commune} AS commune_code, programme_code,
      sum(balance)::int8 AS outstanding,
      count(*)::int AS loans,
      count(DISTINCT household_id)::int AS households
    FROM balance WHERE balance > 0
    GROUP BY GROUPING SETS (${sets})`.execute(db);
  return rows;
}

export function findCapitalEntrusted(db: DB, fromYear: number, toYear: number): Promise<CapitalEntrusted[]> {
  return db
    .selectFrom('capital_entrusted')
    .selectAll()
    .where('year', '>=', fromYear)
    .where('year', '<=', toYear)
    .orderBy('year')
    .orderBy('id')
    .execute();
}

/**
 * Locks the loan row for the rest of the transaction, so that two repayments recorded at once
 * are checked against the balance one after the other.
 */
export function lockLoan(db: DB, id: number): Promise<Loan | undefined> {
  return db.selectFrom('loan').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Principal repaid on a loan, all dates. */
export async function principalRepaid(db: DB, loanId: number): Promise<number> {
  const row = await db
    .selectFrom('loan_repayment')
    .select(sql<number>`coalesce(sum(principal), 0)::int8`.as('repaid'))
    .where('loan_id', '=', loanId)
    .executeTakeFirstOrThrow();
  return row.repaid;
}

export function insertLoan(db: DB, loan: NewLoan): Promise<Loan> {
  return db.insertInto('loan').values(loan).returningAll().executeTakeFirstOrThrow();
}

export function insertRepayment(db: DB, repayment: NewLoanRepayment): Promise<LoanRepayment> {
  return db.insertInto('loan_repayment').values(repayment).returningAll().executeTakeFirstOrThrow();
}

export function setLoanStatus(db: DB, id: number, status: LoanStatus): Promise<Loan> {
  return db
    .updateTable('loan')
    .set({ status, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
