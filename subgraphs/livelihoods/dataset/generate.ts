import { sql, type Kysely } from 'kysely';
import type { CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import type { LivelihoodsDatabase } from '../db/tables.js';
import { DEMO_PROJECT_CODE } from '../seed.js';
import { generateModels } from './models.js';
import { generateParticipants } from './participants.js';

/**
 * The livelihoods share of the city data set: participants of the Livelihood Diversification
 * Project (the project row itself is reference data written by a migration and kept), their
 * support in kind and in cash, and high-tech agriculture models.
 *
 * One file per record kind, each with its distributions: participants.ts (participants and
 * their support lines), models.ts (the models); draw.ts has the drawing helpers they share. This
 * file empties the tables and runs them in order on one random stream. No date is after
 * 31 December 2025, so none is in the future; nothing depends on today.
 */
export async function generateCity(db: Kysely<LivelihoodsDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  // One random stream, drawn by the record kinds in this order: the rows depend on it.
  const random = new Random(plan.seed + 66);
  const project = await db.selectFrom('livelihood_project').selectAll().where('code', '=', DEMO_PROJECT_CODE).executeTakeFirst();
  if (!project) throw new Error(`the livelihood project ${DEMO_PROJECT_CODE} is missing; migrate first`);

  await sql`TRUNCATE livelihood_support_item, livelihood_participant, livelihood_high_tech_model RESTART IDENTITY`.execute(db);
  await generateParticipants(db, plan, random, project, log);
  await generateModels(db, plan, random, log);

  await sql`SELECT setval(pg_get_serial_sequence('livelihood_participant', 'id'), greatest(1, (SELECT coalesce(max(id), 0) FROM livelihood_participant)), (SELECT count(*) > 0 FROM livelihood_participant))`.execute(
    db,
  );
  for (const table of ['livelihood_participant', 'livelihood_support_item', 'livelihood_high_tech_model']) await sql`ANALYZE ${sql.table(table)}`.execute(db);
}
