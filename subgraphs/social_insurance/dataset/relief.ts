import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import type { SocialInsuranceDatabase } from '../db/tables.js';
import { Columns, HORIZON, iso, type City } from './city.js';

/** Emergency relief of the city data set (generate.ts). */
export async function writeRelief(db: Kysely<SocialInsuranceDatabase>, { plan, random, communeOf, log }: City): Promise<void> {
  const relief = new Columns([
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'event_kind', type: 'text' },
    { name: 'event_date', type: 'date' },
    { name: 'relief_date', type: 'date' },
    { name: 'cash_amount', type: 'int8' },
    { name: 'in_kind_description', type: 'text' },
    { name: 'in_kind_value', type: 'int8' },
  ]);
  const addDays = (date: string, days: number) => {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  const anyHousehold = () => random.int(0, plan.householdCount - 1);
  const reviewedHousehold = () => random.int(0, plan.povertyPopulation - 1);
  const rice = (h: number) => {
    const kg = 15 * plan.memberCount[h]!;
    return { description: `${kg} kg of rice`, value: kg * 15_000 };
  };
  const addRelief = (h: number, kind: string, event: string, maxDelay: number, cash: number, inKind?: { description: string; value: number }) => {
    let date = addDays(event, random.int(1, maxDelay));
    if (date > HORIZON) date = HORIZON;
    relief.push(h + 1, communeOf(h).code, kind, event, date, cash, inKind?.description ?? null, inKind?.value ?? 0);
  };
  // Typhoon Yagi, September 2024: floods in the rural communes with poverty.
  const floodCommunes = new Set(plan.communes.filter((c) => c.kind === 'rural' && c.hasPoverty).map((c) => c.index));
  const yagi = Math.round(2_400 * plan.scale);
  for (let n = 0, tries = 0; n < yagi && tries < yagi * 1000; tries++) {
    const h = random.chance(0.4) ? reviewedHousehold() : anyHousehold();
    if (!floodCommunes.has(plan.householdCommune[h]!)) continue;
    n++;
    addRelief(h, 'natural_disaster', iso(2024, 9, random.int(8, 12)), 30, random.int(2, 10) * 500_000, random.chance(0.7) ? rice(h) : undefined);
  }
  const eventDate = () => {
    for (;;) {
      const d = iso(random.int(2022, 2025), random.int(1, 12), random.int(1, 28));
      if (d <= '2025-09-15') return d;
    }
  };
  const perYear = (n: number) => Math.round(n * 3.7 * plan.scale); // 2022 to September 2025
  for (let n = 0; n < perYear(150); n++) {
    let h = anyHousehold();
    for (let t = 0; t < 20 && !floodCommunes.has(plan.householdCommune[h]!); t++) h = anyHousehold();
    addRelief(h, 'natural_disaster', eventDate(), 20, random.int(2, 6) * 500_000, random.chance(0.6) ? rice(h) : undefined);
  }
  for (let n = 0; n < perYear(120); n++) {
    const h = random.chance(0.3) ? reviewedHousehold() : anyHousehold();
    const materials = random.chance(0.3) ? { description: 'building materials', value: random.int(5, 20) * 1_000_000 } : undefined;
    addRelief(h, 'fire', eventDate(), 14, random.int(5, 30) * 1_000_000, materials);
  }
  for (let n = 0; n < perYear(80); n++) {
    const h = random.chance(0.5) ? reviewedHousehold() : anyHousehold();
    addRelief(h, 'other_incident', eventDate(), 21, random.int(2, 10) * 1_000_000, random.chance(0.3) ? rice(h) : undefined);
  }
  await bulkInsert(db, 'emergency_relief', relief.columns, relief.data, { emptied: true });
  log(`social_insurance: ${relief.length} emergency reliefs`);
}
