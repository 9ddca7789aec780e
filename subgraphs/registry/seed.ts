import { sql, type Kysely } from 'kysely';
import { demoHouseholdCounts, demoPopulation } from '../../db/demo.js';
import type { Classification, RegistryDatabase } from './db/tables.js';
import { rebuildRollups } from '../../platform/rollups.js';
import * as repo from './repository.js';
import { povertyRollups } from './rollups.js';
import { rulesOf, score, transition } from './standard.js';

/**
 * Writes the demo households, members and reviews (scored by the standard, like any review),
 * and the demo household counts. Does nothing when households already exist, so a restart
 * keeps what users wrote.
 */
export async function seedDemo(db: Kysely<RegistryDatabase>): Promise<void> {
  const existing = await db.selectFrom('household').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  const communes = await repo.findCommunes(db);
  const population = demoPopulation();
  const standard = await repo.findStandardForYear(db, 2022);
  if (!standard) throw new Error('the 2022-2025 poverty standard is missing; run the migrations first');
  const indicators = (await repo.findIndicatorsByStandards(db, [standard.code])).map((i) => i.code);
  const rules = rulesOf(standard, indicators);
  const kindOf = new Map(communes.map((c) => [c.code, c.kind]));

  await db.transaction().execute(async (trx) => {
    await trx.insertInto('commune_household_count').values(demoHouseholdCounts()).execute();
    await trx
      .insertInto('household')
      .values(population.map((h) => ({ id: h.id, commune_code: h.communeCode, address: h.address })))
      .execute();
    await trx
      .insertInto('household_member')
      .values(
        population.flatMap((h) =>
          h.members.map((m) => ({
            id: m.id,
            household_id: h.id,
            full_name: m.fullName,
            birth_year: m.birthYear,
            sex: m.sex,
            relation: m.relation,
            national_id: m.nationalId,
          })),
        ),
      )
      .execute();
    const reviews = population.flatMap((h) => {
      let previous: Classification | undefined;
      return h.reviews.map((r) => {
        const scored = score(rules, {
          communeKind: kindOf.get(h.communeCode)!,
          incomePerPersonMonthly: r.incomePerPersonMonthly,
          deprivations: r.deprivations,
        });
        const row = {
          household_id: h.id,
          commune_code: h.communeCode,
          year: r.year,
          kind: 'periodic' as const,
          review_date: r.reviewDate,
          income_per_person_monthly: r.incomePerPersonMonthly,
          standard_code: standard.code,
          deprivations: r.deprivations,
          deprivation_count: scored.deprivationCount,
          classification: scored.classification,
          transition: transition(previous, scored.classification),
        };
        previous = scored.classification;
        return row;
      });
    });
    await trx.insertInto('poverty_review').values(reviews).execute();
    // Explicit ids were written: move the identity sequences past them.
    await sql`SELECT setval(pg_get_serial_sequence('household', 'id'), (SELECT max(id) FROM household))`.execute(trx);
    await sql`SELECT setval(pg_get_serial_sequence('household_member', 'id'), (SELECT max(id) FROM household_member))`.execute(trx);
    // The one rule on the reviews just written; also records the rules' version.
    await rebuildRollups<RegistryDatabase>(trx, povertyRollups);
  });
}
