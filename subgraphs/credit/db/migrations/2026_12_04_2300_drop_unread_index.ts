import { sql, type Kysely } from 'kysely';

// Frozen in time. Outstanding balances as of a date are read from the rollups
// (2026_11_29_0900_create_credit_rollups), not summed from the repayments; repayments are read
// by loan only (loan_repayment_loan_idx, kept). The index by payment date had no reader left
// and was rebuilt over 2.26 million rows on every first start.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS loan_repayment_paid_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX loan_repayment_paid_idx ON loan_repayment (paid_on, loan_id)`.execute(db);
}
