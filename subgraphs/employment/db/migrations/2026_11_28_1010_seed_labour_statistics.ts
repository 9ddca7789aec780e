import type { Kysely } from 'kysely';

// Frozen in time: the figures the city published for 2024 (published-figures.json, "employment"),
// written here as reported data rather than read from that file, so that this migration gives the
// same rows whenever it runs.

export const SOURCE = 'https://hanoimoi.vn/thu-do-som-ve-dich-muc-tieu-giam-ngheo-ben-vung-726248.html';

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto('labour_statistics')
    .values({
      year: 2024,
      urban_unemployment_rate_percent: '2.54',
      trained_worker_share_percent: '74.25',
      basis: 'reported',
      source: SOURCE,
    })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('labour_statistics').where('year', '=', 2024).where('source', '=', SOURCE).execute();
}
