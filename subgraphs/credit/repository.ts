import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dateSegments, FIRST_DAY, inSegments } from '../../platform/date-segments.js';
import { withRollups } from '../../platform/rollups.js';
import { AREA, type GapRow, type LoanFacts, type RepaymentFacts } from './balance.js';
import { creditRollupSet } from './rollups.js';
import type { CapitalEntrusted, CreditDatabase, Eligibility, Loan, LoanProgramme, LoanRepayment, LoanStatus, NewLoan, NewLoanRepayment } from './db/tables.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<CreditDatabase>;

export function findProgrammes(db: DB): Promise<LoanProgramme[]> {
  return db.selectFrom('loan_programme').selectAll().orderBy('position').execute();
}

export function findProgramme(db: DB, code: string): Promise<LoanProgramme | undefined> {
  return db.selectFrom('loan_programme').selectAll().where('code', '=', code).executeTakeFirst();
}

export function findLoansByIds(db: DB, ids: readonly number[]): Promise<Loan[]> {
  return db
    .selectFrom('loan')
    .selectAll()
    .where('id', '=', sql<number>`any(${[...ids]}::int8[])`)
    .execute();
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
 * The areas a figures query reads: the given communes (each with its per-programme rows), or,
 * with `communes` undefined, the city (with its per-programme rows).
 */
export type Areas = readonly string[] | undefined;

/**
 * Loans disbursed from `from` to `to` inclusive: one row per (commune, programme) and one total
 * row per commune of `communes`, or per programme and one total for the city. Read from the
 * rollups (see the migration 2026_11_29_0900_create_credit_rollups): amounts, loans and jobs
 * are sums over the period's rows; distinct households are those that had started borrowing in
 * the area by `to`, less those that had stopped by `from`, less those with a gap between two
 * borrowing days that covers the whole period.
 */
export async function disbursementFigures(db: DB, from: string, to: string, communes: Areas): Promise<DisbursementRow[]> {
  const period = dateSegments(from, to);
  const upToTo = dateSegments(FIRST_DAY, to);
  const upToFrom = dateSegments(FIRST_DAY, from);
  const { rows } = await sql<DisbursementRow>`
    WITH flows AS (
      SELECT commune_code, programme_code,
        coalesce(sum(amount_disbursed) FILTER (WHERE ${inSegments(period)}), 0) AS amount,
        coalesce(sum(loans_disbursed) FILTER (WHERE ${inSegments(period)}), 0) AS loans,
        coalesce(sum(jobs_created) FILTER (WHERE ${inSegments(period)}), 0) AS jobs,
        coalesce(sum(borrowers_started) FILTER (WHERE ${inSegments(upToTo)}), 0)
          - coalesce(sum(borrowers_stopped) FILTER (WHERE ${inSegments(upToFrom)}), 0) AS households
      FROM credit_rollup
      WHERE (${inSegments([...period, ...upToTo, ...upToFrom])}) AND ${inAreas(communes)}
      GROUP BY commune_code, programme_code),
    covering AS (${gapCounts('borrowing', sql`gap @> daterange(${from}::date, ${to}::date, '[]')`, communes)})
    SELECT nullif(f.commune_code, '') AS commune_code, nullif(f.programme_code, '') AS programme_code,
      f.amount::int8 AS amount, f.loans::int AS loans, (f.households - coalesce(c.households, 0))::int AS households, f.jobs::int8 AS jobs
    FROM flows f LEFT JOIN covering c ON c.commune_code = f.commune_code AND c.programme_code = f.programme_code`.execute(db);
  return rows;
}

/**
 * Distinct households with a loan under any of `programmes` disbursed from `from` to `to`
 * inclusive, per commune of `communes` (commune_code set) or for the city (commune_code null).
 * Read from the loans themselves: the rollups keep distinct borrowers per programme and over all
 * programmes, and a group of programmes is neither.
 */
export async function householdsBorrowingUnder(
  db: DB,
  from: string,
  to: string,
  programmes: readonly string[],
  communes: Areas,
): Promise<Array<{ commune_code: string | null; households: number }>> {
  const { rows } = await sql<{ commune_code: string | null; households: number }>`
    SELECT ${communes ? sql`commune_code` : sql`NULL::text`} AS commune_code, count(DISTINCT household_id)::int AS households
    FROM loan
    WHERE disbursed_on BETWEEN ${from}::date AND ${to}::date AND programme_code = any(${[...programmes]}::text[])
      ${communes ? sql`AND commune_code = any(${[...communes]}::text[]) GROUP BY commune_code` : sql``}`.execute(db);
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
 * principal repaid on or before it, leaving out loans written off on or before it and loans
 * with nothing left to repay. Grouped like `disbursementFigures`, read from the rollups: the
 * balance and the loans with one are sums of every row up to `asOf`; households with a balance
 * are those that had one by `asOf`, less those whose last balance had closed by then, less those
 * between two spells with a balance on `asOf`. Same rule as `outstandingOf` in balance.ts.
 */
export async function outstandingFigures(db: DB, asOf: string, communes: Areas): Promise<OutstandingRow[]> {
  const upToAsOf = dateSegments(FIRST_DAY, asOf);
  const { rows } = await sql<OutstandingRow>`
    WITH flows AS (
      SELECT commune_code, programme_code, sum(balance_change) AS outstanding, sum(loans_disbursed - loans_closed) AS loans,
        sum(balance_holders_started - balance_holders_stopped) AS households
      FROM credit_rollup
      WHERE (${inSegments(upToAsOf)}) AND ${inAreas(communes)}
      GROUP BY commune_code, programme_code),
    between_spells AS (${gapCounts('balance', sql`gap @> ${asOf}::date`, communes)})
    SELECT nullif(f.commune_code, '') AS commune_code, nullif(f.programme_code, '') AS programme_code,
      f.outstanding::int8 AS outstanding, f.loans::int AS loans, (f.households - coalesce(b.households, 0))::int AS households
    FROM flows f LEFT JOIN between_spells b ON b.commune_code = f.commune_code AND b.programme_code = f.programme_code`.execute(db);
  return rows;
}

/** Rows of the given communes (with their per-programme rows), or of the city. */
function inAreas(communes: Areas): RawBuilder<unknown> {
  return communes ? sql`commune_code = any(${[...communes]}::text[])` : sql`commune_code = ''`;
}

/**
 * Households per area with a gap of `measure` matching `condition`, in one pass: a gap row counts
 * in every kind of area its `areas` bits name, under that area's commune and programme ('' for
 * all). Per commune: (commune, programme) and (commune); for the city: (programme) and the city.
 */
function gapCounts(measure: GapRow['measure'], condition: RawBuilder<unknown>, communes: Areas): RawBuilder<unknown> {
  const [byProgramme, total] = communes ? [AREA.communeProgramme, AREA.commune] : [AREA.programme, AREA.city];
  const commune = communes ? sql`commune_code` : sql`''::text`;
  const households = sql`CASE WHEN grouping(programme_code) = 0 THEN count(*) FILTER (WHERE areas & ${sql.lit(byProgramme)} <> 0)
    ELSE count(*) FILTER (WHERE areas & ${sql.lit(total)} <> 0) END`;
  // A gap row of a household's whole commune (or city) has programme '' and no per-programme
  // bit: its group in the per-programme set counts nothing, and is dropped so that it does not
  // shadow the total row, whose programme is '' too.
  return sql`
    SELECT ${commune} AS commune_code, coalesce(programme_code, '') AS programme_code, ${households} AS households
    FROM credit_household_gap
    WHERE measure = ${sql.lit(measure)} AND ${condition} AND areas & ${sql.lit(byProgramme | total)} <> 0
      ${communes ? sql`AND commune_code = any(${[...communes]}::text[])` : sql``}
    GROUP BY GROUPING SETS ((${commune}, programme_code), (${commune}))
    HAVING ${households} > 0`;
}

export function findCapitalEntrusted(db: DB, fromYear: number, toYear: number): Promise<CapitalEntrusted[]> {
  return db.selectFrom('capital_entrusted').selectAll().where('year', '>=', fromYear).where('year', '<=', toYear).orderBy('year').orderBy('id').execute();
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

/**
 * Writes a loan and moves the household's share of the rollups in the same transaction (the
 * caller's, or one of its own when called outside one).
 */
export function insertLoan(db: DB, loan: NewLoan): Promise<Loan> {
  return withRollups(db, creditRollupSet, [loan.household_id], (trx) => trx.insertInto('loan').values(loan).returningAll().executeTakeFirstOrThrow());
}

/** Writes a repayment and moves its household's share of the rollups in the same transaction. */
export async function insertRepayment(db: DB, repayment: NewLoanRepayment): Promise<LoanRepayment> {
  return withRollups(db, creditRollupSet, [await householdOfLoan(db, repayment.loan_id)], (trx) =>
    trx.insertInto('loan_repayment').values(repayment).returningAll().executeTakeFirstOrThrow(),
  );
}

async function householdOfLoan(db: DB, loanId: number): Promise<number> {
  const row = await db.selectFrom('loan').select('household_id').where('id', '=', loanId).executeTakeFirstOrThrow();
  return row.household_id;
}

export function setLoanStatus(db: DB, id: number, status: LoanStatus): Promise<Loan> {
  return db
    .updateTable('loan')
    .set({ status, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every loan, with what the rollups read of it: a rebuild of the rollups (rollups.ts). */
export function findLoanFacts(db: DB): Promise<LoanFacts[]> {
  return db
    .selectFrom('loan')
    .select(['id', 'household_id', 'commune_code', 'programme_code', 'principal', 'disbursed_on', 'jobs_created', 'written_off_on'])
    .orderBy('id')
    .execute();
}

/** Repayments of the loans with ids from `fromLoan` to `toLoan`, with what the rollups read of them. */
export function findRepaymentFacts(db: DB, fromLoan: number, toLoan: number): Promise<RepaymentFacts[]> {
  return db.selectFrom('loan_repayment').select(['loan_id', 'paid_on', 'principal']).where('loan_id', '>=', fromLoan).where('loan_id', '<=', toLoan).execute();
}

/**
 * Loans disbursed from `from` to `to` in these communes (null: every commune), with their
 * programme's eligibility, only of programmes whose eligibility is one of `eligibilities`: for
 * the consistency checks. One statement.
 */
export function findLoansForConsistency(
  db: DB,
  communes: readonly string[] | null,
  from: string,
  to: string,
  filter: { eligibilities?: readonly Eligibility[]; programme?: string },
): Promise<Array<Pick<Loan, 'id' | 'household_id' | 'commune_code' | 'programme_code' | 'disbursed_on'> & { eligibility: Eligibility }>> {
  let q = db
    .selectFrom('loan as l')
    .innerJoin('loan_programme as p', 'p.code', 'l.programme_code')
    .select(['l.id', 'l.household_id', 'l.commune_code', 'l.programme_code', 'l.disbursed_on', 'p.eligibility'])
    .where('l.disbursed_on', '>=', from)
    .where('l.disbursed_on', '<=', to)
    .orderBy('l.id');
  if (communes) q = q.where('l.commune_code', 'in', communes.length ? [...communes] : ['-']);
  if (filter.eligibilities) q = q.where('p.eligibility', 'in', [...filter.eligibilities]);
  if (filter.programme) q = q.where('l.programme_code', '=', filter.programme);
  return q.execute();
}
