import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { POOR } from '../../../db/generate/plan.js';
import type { SocialInsuranceDatabase } from '../db/tables.js';
import { Columns, HORIZON, iso, type City } from './city.js';

const SOCIAL_STANDARD = 440_000;

/** Monthly social allowances of the city data set (generate.ts). */
export async function writeAllowances(
  db: Kysely<SocialInsuranceDatabase>,
  { plan, random, communeOf, bandIn, membersOf, birthYear, log }: City,
): Promise<void> {
  const allowance = new Columns([
    { name: 'member_id', type: 'int8' },
    { name: 'household_id', type: 'int8' },
    { name: 'commune_code', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'monthly_amount', type: 'int8' },
    { name: 'start_date', type: 'date' },
    { name: 'end_date', type: 'date' },
  ]);
  // From `fromYear` (at most 2025: someone born in 2025 starts that year) to the horizon.
  const randomStart = (from: number) => {
    const fromYear = Math.min(2025, from);
    for (;;) {
      const d = iso(random.int(fromYear, 2025), random.int(1, 12), 1);
      if (d <= HORIZON) return d;
    }
  };
  const poorYears = (h: number) => [2022, 2023, 2024, 2025].filter((y) => bandIn(y - 1, h) === POOR);
  for (let h = 0; h < plan.householdCount; h++) {
    const reviewed = h < plan.povertyPopulation;
    const code = communeOf(h).code;
    const onPoorList = reviewed ? poorYears(h) : [];
    const members = membersOf(h);
    for (const m of members) {
      const born = birthYear(m);
      // Turning 80 without a pension.
      if (born + 80 <= 2025 && random.chance(0.6)) {
        const start = iso(born + 80, random.int(1, born + 80 === 2025 ? 9 : 12), 1);
        allowance.push(m, h + 1, code, 'elderly', SOCIAL_STANDARD, start, null);
      } else if (onPoorList.length && born <= onPoorList[0]! - 60 && born + 80 > onPoorList[0]! && random.chance(0.1)) {
        allowance.push(m, h + 1, code, 'elderly', SOCIAL_STANDARD * 1.5, iso(onPoorList[0]!, 1, 1), iso(onPoorList.at(-1)!, 12, 31));
      }
      if (random.chance(reviewed ? 0.02 : 0.005)) {
        const start = randomStart(Math.max(2016, born + 1));
        allowance.push(m, h + 1, code, 'disability', SOCIAL_STANDARD * (random.chance(0.3) ? 2 : 1.5), start, null);
      } else if (reviewed && born >= 2010 && random.chance(0.003)) {
        const start = randomStart(Math.max(2020, born));
        const under4 = Number(start.slice(0, 4)) - born < 4;
        allowance.push(m, h + 1, code, 'orphan', SOCIAL_STANDARD * (under4 ? 5 : 2.5), start, iso(born + 16, 12, 31));
      } else if (reviewed && random.chance(0.001)) {
        allowance.push(m, h + 1, code, 'other', SOCIAL_STANDARD, randomStart(2018), null);
      }
    }
    if (onPoorList.length && random.chance(0.05)) {
      const first = onPoorList[0]!;
      const children = members.filter((m) => birthYear(m) > first - 16 && birthYear(m) <= first).length;
      if (children > 0)
        allowance.push(members[0]!, h + 1, code, 'single_parent_poor', SOCIAL_STANDARD * children, iso(first, 1, 1), iso(onPoorList.at(-1)!, 12, 31));
    }
  }
  await bulkInsert(db, 'social_allowance', allowance.columns, allowance.data, { emptied: true });
  log(`social_insurance: ${allowance.length} monthly allowances`);
}
