import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { NEAR_POOR, POOR } from '../../../db/generate/plan.js';
import type { SocialInsuranceDatabase } from '../db/tables.js';
import { Columns, iso, type City } from './city.js';

/** Tuition support of the city data set: pupils of poor and near-poor households (generate.ts). */
export async function writeTuition(db: Kysely<SocialInsuranceDatabase>, { plan, random, communeOf, bandIn, membersOf, birthYear, log }: City): Promise<void> {
  const tuition = new Columns([
    { name: 'member_id', type: 'int8' },
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'school_year', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'amount', type: 'int8' },
    { name: 'granted_on', type: 'date' },
  ]);
  for (const start of [2022, 2023, 2024]) {
    for (let h = 0; h < plan.povertyPopulation; h++) {
      const band = bandIn(start - 1, h);
      if (band !== POOR && band !== NEAR_POOR) continue;
      const commune = communeOf(h);
      const fee = (commune.kind === 'ward' ? 217_000 : 95_000) * 9;
      for (const m of membersOf(h)) {
        const age = start - birthYear(m);
        if (age < 3 || age > 17 || !random.chance(0.9)) continue;
        const primary = age >= 6 && age <= 10;
        const granted = iso(start, 10, random.int(1, 31));
        const schoolYear = `${start}-${start + 1}`;
        if (band === POOR) {
          if (!primary) tuition.push(m, h + 1, commune.code, schoolYear, 'tuition_exemption', fee, granted);
          tuition.push(m, h + 1, commune.code, schoolYear, 'study_cost', 150_000 * 9, granted);
        } else if (!primary) {
          tuition.push(m, h + 1, commune.code, schoolYear, 'tuition_reduction', fee / 2, granted);
        }
      }
    }
  }
  await bulkInsert(db, 'tuition_support', tuition.columns, tuition.data, { emptied: true });
  log(`social_insurance: ${tuition.length} tuition supports`);
}
