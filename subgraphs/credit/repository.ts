import { sql, type Kysely, type RawBuilder } from 'kysely';
import { bulkInsert, withoutIndexes } from '../../db/bulk.js';
import { dateSegments, FIRST_DAY, inSegments } from '../../platform/date-segments.js';
import {
  AREA,
  creditRollups,
  ROLLUP_MEASURES,
  rollupDelta,
  type GapRow,
  type LoanFacts,
  type RepaymentFacts,
  type RollupColumns,
  type RollupRow,
} from './balance.js';
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
 * Writes a loan and brings the rollups up to date in the same transaction (the caller's, or one
 * of its own when called outside one).
 */
export function insertLoan(db: DB, loan: NewLoan): Promise<Loan> {
  return inTransaction(db, (trx) =>
    withHouseholdRollups(trx, loan.household_id, () => trx.insertInto('loan').values(loan).returningAll().executeTakeFirstOrThrow()),
  );
}

/** Writes a repayment and brings the rollups up to date in the same transaction. */
export function insertRepayment(db: DB, repayment: NewLoanRepayment): Promise<LoanRepayment> {
  return inTransaction(db, async (trx) =>
    withHouseholdRollups(trx, await householdOfLoan(trx, repayment.loan_id), () =>
      trx.insertInto('loan_repayment').values(repayment).returningAll().executeTakeFirstOrThrow(),
    ),
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

// ---- rollups: kept current in the transaction of every write to loans and repayments ----

/** Runs `fn` in the caller's transaction, or in one of its own. */
function inTransaction<T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Runs `write` (which changes the loans or repayments of one household) and moves the rollups
 * by the difference it made to that household's share of them, computed by creditRollups from
 * the household's rows before and after; the household's gaps are rewritten. The household is
 * locked first, so that two writes for it at once (on a server) take turns and each sees the
 * other's rows; the difference is added in one statement, in key order.
 */
export async function withHouseholdRollups<T>(db: DB, householdId: number, write: () => Promise<T>): Promise<T> {
  await lockHousehold(db, householdId);
  const before = creditRollups(...(await householdFacts(db, householdId)));
  const result = await write();
  const after = creditRollups(...(await householdFacts(db, householdId)));
  await addToRollups(db, rollupDelta(before.rows, after.rows));
  await deleteHouseholdGaps(db, householdId);
  await insertGaps(db, after.gaps);
  return result;
}

/** A transaction-scoped lock on one household's loans (released at commit or rollback). */
export async function lockHousehold(db: DB, householdId: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`credit.household:${householdId}`}, 0))`.execute(db);
}

async function householdFacts(db: DB, householdId: number): Promise<[LoanFacts[], RepaymentFacts[]]> {
  const loans = await findLoansByHouseholdIds(db, [householdId]);
  const repayments = loans.length
    ? await findRepaymentsByLoanIds(
        db,
        loans.map((l) => l.id),
      )
    : [];
  return [loans, repayments];
}

/** Adds `rows` to the rollups, in key order (so that concurrent writers lock rows in one order). */
export async function addToRollups(db: DB, rows: readonly RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof RollupRow>(name: K) => rows.map((r) => r[name]);
  await sql`
    INSERT INTO credit_rollup (grain, period_start, commune_code, programme_code, ${sql.raw(ROLLUP_MEASURES.join(', '))})
    SELECT * FROM unnest(${column('grain')}::text[], ${column('period_start')}::date[], ${column('commune_code')}::text[],
      ${column('programme_code')}::text[], ${sql.join(ROLLUP_MEASURES.map((m) => sql`${column(m)}::int8[]`))})
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (grain, period_start, commune_code, programme_code) DO UPDATE SET
      ${sql.raw(ROLLUP_MEASURES.map((m) => `${m} = credit_rollup.${m} + excluded.${m}`).join(', '))}`.execute(db);
}

export async function deleteHouseholdGaps(db: DB, householdId: number): Promise<void> {
  await db.deleteFrom('credit_household_gap').where('household_id', '=', householdId).execute();
}

export async function insertGaps(db: DB, gaps: readonly GapRow[]): Promise<void> {
  if (gaps.length === 0) return;
  const column = <K extends keyof GapRow>(name: K) => gaps.map((g) => g[name]);
  await sql`
    INSERT INTO credit_household_gap (household_id, measure, commune_code, programme_code, areas, gap)
    SELECT household_id, measure, commune_code, programme_code, areas, daterange(starts, ends)
    FROM unnest(${column('household_id')}::int8[], ${column('measure')}::text[], ${column('commune_code')}::text[],
      ${column('programme_code')}::text[], ${column('areas')}::int2[], ${column('starts')}::date[], ${column('ends')}::date[])
      AS g(household_id, measure, commune_code, programme_code, areas, starts, ends)`.execute(db);
}

/**
 * Replaces the rollups by those of `loans` and `repayments` (every loan and repayment there is:
 * the city data set and the demo data call this once they are written).
 */
export function writeRollups(db: DB, loans: readonly LoanFacts[], repayments: readonly RepaymentFacts[]): Promise<{ rows: number; gaps: number }> {
  return writeDerivedRollups(db, creditRollups(loans, repayments));
}

/** Replaces the rollups by `derived`, creditRollups (or creditRollupColumns) of every loan and repayment there is. */
export async function writeDerivedRollups(
  db: DB,
  { rows, gaps }: { rows: readonly RollupRow[] | RollupColumns; gaps: readonly GapRow[] },
): Promise<{ rows: number; gaps: number }> {
  await sql`TRUNCATE credit_rollup, credit_household_gap`.execute(db);
  const columns = Array.isArray(rows) ? columnsOf(rows as readonly RollupRow[]) : (rows as RollupColumns);
  await bulkInsert(
    db,
    'credit_rollup',
    [
      { name: 'grain', type: 'text' },
      { name: 'period_start', type: 'date' },
      { name: 'commune_code', type: 'text' },
      { name: 'programme_code', type: 'text' },
      ...ROLLUP_MEASURES.map((name) => ({ name, type: 'int8' })),
    ],
    [columns.grain, columns.period_start, columns.commune_code, columns.programme_code, ...columns.measures],
    { emptied: true },
  );
  // In bulk (COPY on the embedded database: the city data set's 280,000 gaps), each range as its
  // literal, half-open as insertGaps' daterange(starts, ends).
  const column = <K extends keyof GapRow>(name: K) => gaps.map((g) => g[name]);
  await withoutIndexes(db, 'credit_household_gap', async () => {
    await bulkInsert(
      db,
      'credit_household_gap',
      [
        { name: 'household_id', type: 'int8' },
        { name: 'measure', type: 'text' },
        { name: 'commune_code', type: 'text' },
        { name: 'programme_code', type: 'text' },
        { name: 'areas', type: 'int2' },
        { name: 'gap', type: 'daterange' },
      ],
      [
        column('household_id'),
        column('measure'),
        column('commune_code'),
        column('programme_code'),
        column('areas'),
        gaps.map((g) => `[${g.starts},${g.ends})`),
      ],
      { emptied: true },
    );
  });
  return { rows: columns.grain.length, gaps: gaps.length };
}

/**
 * Rollup rows as columns in primary-key order: each insert then lands at the right edge of the
 * index. creditRollups gives them in that order (as creditRollupColumns does its columns).
 */
function columnsOf(rows: readonly RollupRow[]): RollupColumns {
  const byKey = (a: RollupRow, b: RollupRow) =>
    cmp(a.grain, b.grain) || cmp(a.period_start, b.period_start) || cmp(a.commune_code, b.commune_code) || cmp(a.programme_code, b.programme_code);
  const ordered = rows.every((r, i) => i === 0 || byKey(rows[i - 1]!, r) <= 0) ? rows : [...rows].sort(byKey);
  return {
    grain: ordered.map((r) => r.grain),
    period_start: ordered.map((r) => r.period_start),
    commune_code: ordered.map((r) => r.commune_code),
    programme_code: ordered.map((r) => r.programme_code),
    measures: ROLLUP_MEASURES.map((m) => Float64Array.from(ordered, (r) => r[m])),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
