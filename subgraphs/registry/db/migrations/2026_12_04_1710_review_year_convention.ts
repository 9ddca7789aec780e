import { sql, type Kysely } from 'kysely';

// Frozen in time: no application code.
//
// The review-year convention, one rule for every standard: the periodic review of year Y
// (1 September-14 December) draws the lists in force from 1 January of Y + 1, so it is scored
// under the standard in force on that day. The end-2021 review drew the 2022 lists under the
// 2022-2025 standard (as before); the end-2025 review draws the 2026 lists, still under
// 2022-2025 (extended to the end of 2026); the end-2026 review draws the 2027 lists, so it is
// scored under 2027-2030 (it was under the old lines: off by one), and 2027-2030 runs to the
// review of 2029 (the review of 2030 draws the 2031 lists, under a standard not yet set).
// Reviews already recorded keep the standard they were scored under.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`UPDATE poverty_standard SET first_review_year = 2021, last_review_year = 2025 WHERE code = '2022-2025'`.execute(db);
  await sql`UPDATE poverty_standard SET first_review_year = 2026, last_review_year = 2029 WHERE code = '2027-2030'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`UPDATE poverty_standard SET first_review_year = 2021, last_review_year = 2026 WHERE code = '2022-2025'`.execute(db);
  await sql`UPDATE poverty_standard SET first_review_year = 2027, last_review_year = 2030 WHERE code = '2027-2030'`.execute(db);
}
