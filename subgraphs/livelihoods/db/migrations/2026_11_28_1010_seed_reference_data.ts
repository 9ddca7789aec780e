import type { Kysely } from 'kysely';

// Frozen in time: this migration must not import application code.

/**
 * The Livelihood Diversification Project (Dự án Đa dạng hóa sinh kế, phát triển mô hình giảm
 * nghèo) with its published budget of 49.4 billion VND (hanoimoi.vn, 2025). Reference data, so a
 * migration writes it rather than the demo seed.
 *
 * ASSUMPTIONS (not published with the budget): the period is 2022-01-01 to 2025-12-31, the span
 * of the city's 2022-2025 sustainable poverty-reduction plan (Decision 1362/QĐ-UBND); the
 * funding source is as worded below. Correct them here in a new migration when confirmed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto('livelihood_project')
    .values({
      code: 'LIVELIHOOD_DIVERSIFICATION',
      name: 'Livelihood Diversification Project (Dự án Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo)',
      budget: 49_400_000_000,
      funding_source:
        'National target programme on sustainable poverty reduction 2021-2025 (Resolution 24/2021/QH15) with the city budget (assumed wording)',
      start_date: '2022-01-01',
      end_date: '2025-12-31',
    })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('livelihood_project').where('code', '=', 'LIVELIHOOD_DIVERSIFICATION').execute();
}
