import { sql, type Kysely } from 'kysely';
import type {
  FundContribution,
  FundDonorKind,
  HousingCase,
  HousingDatabase,
  HousingFundingLine,
  HousingFundingSource,
  NewFundContribution,
  NewHousingCase,
  NewHousingFundingLine,
} from './db/tables.js';

// Small kysely functions: `db` first, one statement each, `undefined` for a miss.

type DB = Kysely<HousingDatabase>;

export function findCasesByIds(db: DB, ids: readonly number[]): Promise<HousingCase[]> {
  return db
    .selectFrom('housing_case')
    .selectAll()
    .where('id', '=', sql<number>`any(${[...ids]}::int8[])`)
    .execute();
}

export function findCasesByHouseholdIds(db: DB, householdIds: readonly number[]): Promise<HousingCase[]> {
  return db
    .selectFrom('housing_case')
    .selectAll()
    .where('household_id', '=', sql<number>`any(${[...householdIds]}::int8[])`)
    .orderBy('household_id')
    .orderBy('approval_date')
    .orderBy('id')
    .execute();
}

export function findFundingLinesByCaseIds(db: DB, caseIds: readonly number[]): Promise<HousingFundingLine[]> {
  return db
    .selectFrom('housing_funding_line')
    .selectAll()
    .where('case_id', '=', sql<number>`any(${[...caseIds]}::int8[])`)
    .orderBy('case_id')
    .orderBy('id')
    .execute();
}

/** Case counts of one commune and period (dates inclusive). */
export interface HousingCounts {
  commune_code: string;
  houses_completed: number;
  new_houses_completed: number;
  renovations_completed: number;
  houses_completed_with_fund: number;
  cases_approved: number;
  cases_cancelled: number;
}

/**
 * Case counts per commune for one period: cases completed in it (by kind, and those with a
 * Fund for the Poor line) and cases approved in it (and of those, the cancelled ones).
 */
export async function housingCountsByCommune(db: DB, from: string, to: string): Promise<HousingCounts[]> {
  const completed = sql`(status = 'completed' AND completion_date BETWEEN ${from}::date AND ${to}::date)`;
  const approved = sql`(approval_date BETWEEN ${from}::date AND ${to}::date)`;
  const { rows } = await sql<HousingCounts>`
    SELECT commune_code,
      count(*) FILTER (WHERE ${completed})::int AS houses_completed,
      count(*) FILTER (WHERE ${completed} AND kind = 'new_house')::int AS new_houses_completed,
      count(*) FILTER (WHERE ${completed} AND kind = 'renovation')::int AS renovations_completed,
      count(*) FILTER (WHERE ${completed} AND EXISTS (
        SELECT 1 FROM housing_funding_line l WHERE l.case_id = c.id AND l.source = 'fund_for_the_poor'))::int AS houses_completed_with_fund,
      count(*) FILTER (WHERE ${approved})::int AS cases_approved,
      count(*) FILTER (WHERE ${approved} AND status = 'cancelled')::int AS cases_cancelled
    FROM housing_case c
    WHERE ${completed} OR ${approved}
    GROUP BY commune_code`.execute(db);
  return rows;
}

export interface FundingAmount {
  commune_code: string;
  source: HousingFundingSource;
  amount: number;
}

/** Funding committed in one period on cases not cancelled, per commune and source. */
export async function fundingByCommuneAndSource(db: DB, from: string, to: string): Promise<FundingAmount[]> {
  const { rows } = await sql<FundingAmount>`
    SELECT c.commune_code, l.source, sum(l.amount)::int8 AS amount
    FROM housing_funding_line l JOIN housing_case c ON c.id = l.case_id
    WHERE l.committed_on BETWEEN ${from}::date AND ${to}::date AND c.status <> 'cancelled'
    GROUP BY c.commune_code, l.source`.execute(db);
  return rows;
}

export interface ContributionTotals {
  donor_kind: FundDonorKind;
  contributions: number;
  amount: number;
}

/** Contributions to the Fund for the Poor dated in one period, per kind of donor. */
export async function contributionsByDonorKind(db: DB, from: string, to: string): Promise<ContributionTotals[]> {
  const { rows } = await sql<ContributionTotals>`
    SELECT donor_kind, count(*)::int AS contributions, sum(amount)::int8 AS amount
    FROM fund_contribution
    WHERE contribution_date BETWEEN ${from}::date AND ${to}::date
    GROUP BY donor_kind`.execute(db);
  return rows;
}

export function insertCase(db: DB, row: NewHousingCase): Promise<HousingCase> {
  return db.insertInto('housing_case').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertFundingLines(db: DB, rows: NewHousingFundingLine[]): Promise<HousingFundingLine[]> {
  return db.insertInto('housing_funding_line').values(rows).returningAll().execute();
}

/**
 * Locks the case row for the rest of the transaction: two transitions of the same case at once
 * run one after the other, and the second sees the first one's status.
 */
export function lockCase(db: DB, id: number): Promise<HousingCase | undefined> {
  return db.selectFrom('housing_case').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export type CaseChanges = Partial<Pick<HousingCase, 'status' | 'start_date' | 'completion_date' | 'cancellation_date' | 'cancellation_reason'>>;

export function updateCase(db: DB, id: number, changes: CaseChanges): Promise<HousingCase> {
  return db
    .updateTable('housing_case')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertContribution(db: DB, row: NewFundContribution): Promise<FundContribution> {
  return db.insertInto('fund_contribution').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Cases approved from `from` to `to` in these communes (null: every commune), for the consistency checks. One statement. */
export function findCasesApprovedBetween(db: DB, communes: readonly string[] | null, from: string, to: string) {
  let q = db
    .selectFrom('housing_case')
    .select(['id', 'household_id', 'commune_code', 'approval_date', 'status'])
    .where('approval_date', '>=', from)
    .where('approval_date', '<=', to)
    .orderBy('id');
  if (communes) q = q.where('commune_code', 'in', communes.length ? [...communes] : ['-']);
  return q.execute();
}

/**
 * Funding lines from `source` committed from `from` to `to` on cases (not cancelled) of these
 * communes (null: every commune), with their case's household. One statement.
 */
export function findFundingLinesCommitted(db: DB, communes: readonly string[] | null, source: HousingFundingSource, from: string, to: string) {
  let q = db
    .selectFrom('housing_funding_line as f')
    .innerJoin('housing_case as c', 'c.id', 'f.case_id')
    .select(['f.id', 'f.case_id', 'f.committed_on', 'f.amount', 'c.household_id', 'c.commune_code'])
    .where('f.source', '=', source)
    .where('f.committed_on', '>=', from)
    .where('f.committed_on', '<=', to)
    .where('c.status', '!=', 'cancelled')
    .orderBy('f.id');
  if (communes) q = q.where('c.commune_code', 'in', communes.length ? [...communes] : ['-']);
  return q.execute();
}
