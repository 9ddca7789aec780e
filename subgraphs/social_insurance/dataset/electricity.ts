import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { POOR } from '../../../db/generate/plan.js';
import type { SocialInsuranceDatabase } from '../db/tables.js';
import { Columns, HORIZON, endOfMonth, iso, type City } from './city.js';

/** First-tier household electricity tariff (VND per kWh) on a date. */
function tariff(date: string): number {
  return date >= '2024-10-11' ? 1_893 : date >= '2023-11-09' ? 1_806 : date >= '2023-05-04' ? 1_728 : 1_678;
}

/** Electricity subsidies of the city data set: households on the poor list in force (generate.ts). */
export async function writeElectricity(db: Kysely<SocialInsuranceDatabase>, { plan, random, communeOf, bandIn, log }: City): Promise<void> {
  const power = new Columns([
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'period_from', type: 'date' },
    { name: 'period_to', type: 'date' },
    { name: 'months', type: 'int4' },
    { name: 'amount', type: 'int8' },
    { name: 'paid_on', type: 'date' },
  ]);
  for (const year of [2022, 2023, 2024, 2025]) {
    for (let h = 0; h < plan.povertyPopulation; h++) {
      if (bandIn(year - 1, h) !== POOR) continue;
      for (let q = 0; q < 4; q++) {
        const paid = iso(year, 3 * q + 1, random.int(10, 28));
        if (paid > HORIZON) break;
        power.push(h + 1, communeOf(h).code, iso(year, 3 * q + 1, 1), endOfMonth(year, 3 * q + 3), 3, 3 * 30 * tariff(paid), paid);
      }
    }
  }
  await bulkInsert(db, 'electricity_subsidy', power.columns, power.data, { emptied: true });
  log(`social_insurance: ${power.length} electricity subsidies`);
}
