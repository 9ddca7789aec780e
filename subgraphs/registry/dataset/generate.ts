import { sql, type Kysely } from 'kysely';
import type { CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';
import { writeRollups } from '../../../platform/rollups.js';
import type { CommuneKind, RegistryDatabase } from '../db/tables.js';
import * as repo from '../repository.js';
import { derivePovertyRollups, loadStandardRules, povertyRollups } from '../rollups.js';
import { rulesOf } from '../standard.js';
import { generateHouseholds } from './households.js';
import { generateReviews } from './reviews.js';

/**
 * The registry's share of the city data set: the denominators, every household of the plan
 * with its members, and the reviews of the poverty population. Each review's income and
 * deprivations are drawn inside the plan's band and then scored by the standard exactly as a
 * recorded review is, so classifications are computed, never copied from the plan. By record
 * kind: households.ts (with names.ts), reviews.ts; this file runs them and derives the rollups.
 */
export async function generateCity(db: Kysely<RegistryDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + 11);
  const standard = await repo.findStandardForYear(db, 2022);
  if (!standard) throw new Error('the 2022-2025 poverty standard is missing; migrate first');
  const indicators = (await repo.findIndicatorsByStandards(db, [standard.code])).map((i) => i.code);
  const rules = rulesOf(standard, indicators);

  await sql`TRUNCATE poverty_review, household_member, household, commune_household_count RESTART IDENTITY`.execute(db);

  await generateHouseholds(db, plan, log);
  const r = await generateReviews(db, plan, random, { code: standard.code, rules, indicators }, log);
  await sql`SELECT setval(pg_get_serial_sequence('household', 'id'), (SELECT max(id) FROM household))`.execute(db);
  await sql`SELECT setval(pg_get_serial_sequence('household_member', 'id'), (SELECT max(id) FROM household_member))`.execute(db);
  for (const table of ['household', 'household_member', 'poverty_review']) await sql`ANALYZE ${sql.table(table)}`.execute(db);
  // The one rule (rollups.ts), run here on the reviews still in memory, in the generator's
  // worker, rather than reading them back on the database's thread (the first start's
  // bottleneck). The reviews were loaded in this order into an emptied table, so their ids grow
  // with the index. writeRollups also records the rules' version: the next start rebuilds nothing.
  await writeRollups(
    db,
    povertyRollups,
    derivePovertyRollups({
      reviews: {
        household: r.hh,
        commune: r.commune,
        year: r.year,
        kind: r.kind,
        reviewDate: r.date,
        income: r.income,
        deprivations: r.deps,
        classification: r.cls,
        transition: r.tr,
      },
      communeKinds: new Map<string, CommuneKind>(plan.communes.map((c) => [c.code, c.kind])),
      standards: await loadStandardRules(db),
    }),
  );
  log('registry: poverty rollups derived');
}
