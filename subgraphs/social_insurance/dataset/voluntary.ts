import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { NEAR_POOR, POOR } from '../../../db/generate/plan.js';
import type { SocialInsuranceDatabase } from '../db/tables.js';
import { Columns, HORIZON, iso, type City } from './city.js';

/** Voluntary social-insurance support of the city data set (generate.ts). */
export async function writeVoluntary(db: Kysely<SocialInsuranceDatabase>, { plan, random, communeOf, bandIn, membersOf, birthYear, log }: City): Promise<void> {
  const voluntary = new Columns([
    { name: 'member_id', type: 'int8' },
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'paid_on', type: 'date' },
    { name: 'months', type: 'int4' },
    { name: 'amount', type: 'int8' },
  ]);
  const CONTRIBUTION = Math.round(1_500_000 * 0.22);
  for (let h = 0; h < plan.householdCount; h++) {
    const reviewed = h < plan.povertyPopulation;
    for (const m of membersOf(h)) {
      const born = birthYear(m);
      if (born > 2022 - 18 || born < 2022 - 55 || !random.chance(reviewed ? 0.04 : 0.005)) continue;
      const payments = random.int(1, 3);
      let date = iso(random.int(2022, 2024), random.int(1, 12), random.int(1, 28));
      if (date < '2022-07-01') date = iso(2022, random.int(7, 12), random.int(1, 28));
      for (let p = 0; p < payments && date <= HORIZON; p++) {
        const months = random.pick([3, 6, 12] as const);
        const year = Number(date.slice(0, 4));
        const band = bandIn(year - 1, h);
        const share = band === POOR ? 0.5 : band === NEAR_POOR ? 0.4 : 0.2;
        voluntary.push(m, h + 1, communeOf(h).code, date, months, Math.round(CONTRIBUTION * share) * months);
        const next = new Date(`${date}T00:00:00Z`);
        next.setUTCMonth(next.getUTCMonth() + months);
        date = next.toISOString().slice(0, 10);
      }
    }
  }
  await bulkInsert(db, 'voluntary_insurance_support', voluntary.columns, voluntary.data, { emptied: true });
  log(`social_insurance: ${voluntary.length} voluntary social-insurance supports`);
}
