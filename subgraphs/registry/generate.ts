import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../../db/bulk.js';
import { ABOVE, MIDDLE, NEAR_POOR, POOR, REVIEW_YEARS, type CityPlan } from '../../db/generate/plan.js';
import { Random } from '../../db/random.js';
import type { Classification, RegistryDatabase } from './db/tables.js';
import * as repo from './repository.js';
import { rulesOf, score, transition } from './standard.js';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô', 'Dương', 'Lý'];
const GIVEN_F = ['Thị Lan', 'Thị Hoa', 'Thị Mai', 'Thu Hương', 'Ngọc Thảo', 'Thị Hằng', 'Thùy Linh', 'Hải Yến'];
const GIVEN_M = ['Văn Hùng', 'Văn Dũng', 'Minh Tuấn', 'Hoài Nam', 'Đức Long', 'Văn Sơn', 'Quang Hải', 'Minh Quân'];
const PLACES = ['Thôn Đông', 'Thôn Đoài', 'Xóm Chùa', 'Xóm Mới', 'Tổ dân phố 3', 'Tổ dân phố 7', 'Ngõ 12', 'Ngõ 45'];
const RELATIONS = ['head', 'spouse', 'child', 'child', 'child', 'parent'] as const;

/**
 * The registry's share of the city data set: the denominators, every household of the plan
 * with its members, and the reviews of the poverty population. Each review's income and
 * deprivations are drawn inside the plan's band and then scored by the standard exactly as a
 * recorded review is, so classifications are computed, never copied from the plan.
 */
export async function generateCity(db: Kysely<RegistryDatabase>, plan: CityPlan, log: (m: string) => void): Promise<void> {
  const random = new Random(plan.seed + 11);
  const standard = await repo.findStandardForYear(db, 2022);
  if (!standard) throw new Error('the 2022-2025 poverty standard is missing; migrate first');
  const indicators = (await repo.findIndicatorsByStandards(db, [standard.code])).map((i) => i.code);
  const rules = rulesOf(standard, indicators);

  await sql`TRUNCATE poverty_review, household_member, household, commune_household_count RESTART IDENTITY`.execute(db);

  const years = Object.keys(plan.communes[0]!.households).map(Number);
  await bulkInsert(
    db,
    'commune_household_count',
    [
      { name: 'commune_code', type: 'text' },
      { name: 'year', type: 'int4' },
      { name: 'households', type: 'int4' },
      { name: 'source', type: 'text' },
    ],
    [
      plan.communes.flatMap((c) => years.map(() => c.code)),
      plan.communes.flatMap(() => years),
      plan.communes.flatMap((c) => years.map((y) => c.households[y]!)),
      plan.communes.flatMap(() => years.map(() => 'generated: calibrated to the rates the city published (not an official count)')),
    ],
  );

  const ids: number[] = [];
  const communeCodes: string[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < plan.householdCount; i++) {
    ids.push(i + 1);
    communeCodes.push(plan.communes[plan.householdCommune[i]!]!.code);
    addresses.push(`${1 + (i % 250)} ${PLACES[i % PLACES.length]}`);
  }
  await bulkInsert(
    db,
    'household',
    [
      { name: 'id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'address', type: 'text' },
    ],
    [ids, communeCodes, addresses],
  );
  log(`registry: ${plan.householdCount} households`);

  const m = { id: [] as number[], hh: [] as number[], name: [] as string[], year: [] as number[], sex: [] as string[], rel: [] as string[], nid: [] as string[] };
  for (let i = 0; i < plan.householdCount; i++) {
    const family = FAMILY[i % FAMILY.length]!;
    for (let k = 0; k < plan.memberCount[i]!; k++) {
      const id = plan.memberStart[i]! + k;
      const female = plan.memberSex[id - 1] === 0;
      m.id.push(id);
      m.hh.push(i + 1);
      m.name.push(`${family} ${(female ? GIVEN_F : GIVEN_M)[id % 8]}`);
      m.year.push(plan.memberBirthYear[id - 1]!);
      m.sex.push(female ? 'female' : 'male');
      m.rel.push(RELATIONS[Math.min(k, RELATIONS.length - 1)]!);
      // Generated 12-digit numbers: "001" (Hanoi) and the member id, unique by construction.
      m.nid.push(`001${String(id).padStart(9, '0')}`);
    }
  }
  await bulkInsert(
    db,
    'household_member',
    [
      { name: 'id', type: 'int8' },
      { name: 'household_id', type: 'int8' },
      { name: 'full_name', type: 'text' },
      { name: 'birth_year', type: 'int4' },
      { name: 'sex', type: 'text' },
      { name: 'relation', type: 'text' },
      { name: 'national_id', type: 'text' },
    ],
    [m.id, m.hh, m.name, m.year, m.sex, m.rel, m.nid],
  );
  log(`registry: ${m.id.length} members`);

  const r = {
    hh: [] as number[], commune: [] as string[], year: [] as number[], kind: [] as string[], date: [] as string[], income: [] as number[],
    deps: [] as string[], count: [] as number[], cls: [] as string[], tr: [] as string[],
  };
  const escaped = new Set(plan.escaped2025);
  for (let i = 0; i < plan.povertyPopulation; i++) {
    const commune = plan.communes[plan.householdCommune[i]!]!;
    let previous: Classification | undefined;
    const add = (year: number, kind: 'periodic' | 'regular', date: string, band: number) => {
      const line = commune.kind === 'ward' ? rules.urbanIncomeLine : rules.ruralIncomeLine;
      const middle = commune.kind === 'ward' ? rules.urbanMiddleIncomeLine : rules.ruralMiddleIncomeLine;
      const round = (n: number) => Math.round(n / 10_000) * 10_000;
      const income =
        band === POOR || band === NEAR_POOR
          ? round(line * (0.55 + random.next() * 0.45))
          : band === MIDDLE
            ? round(line + 10_000 + random.next() * (middle - line - 20_000))
            : round(middle * (1.05 + random.next()));
      const depCount = band === POOR ? random.int(3, 6) : band === NEAR_POOR ? random.int(0, 2) : random.int(0, 3);
      const deprivations = [...indicators].sort(() => random.next() - 0.5).slice(0, depCount).sort();
      const scored = score(rules, { communeKind: commune.kind, incomePerPersonMonthly: income, deprivations });
      r.hh.push(i + 1);
      r.commune.push(commune.code);
      r.year.push(year);
      r.kind.push(kind);
      r.date.push(date);
      r.income.push(income);
      r.deps.push(`{${deprivations.join(',')}}`);
      r.count.push(scored.deprivationCount);
      r.cls.push(scored.classification);
      r.tr.push(transition(previous, scored.classification));
      previous = scored.classification;
    };
    for (const year of REVIEW_YEARS) {
      const band = plan.bands[year]![i]!;
      if (band === 255) continue;
      // The periodic review runs from 1 September to 14 December.
      const day = random.int(0, 104);
      const date = new Date(Date.UTC(year, 8, 1 + day)).toISOString().slice(0, 10);
      add(year, 'periodic', date, band);
    }
    if (escaped.has(i + 1)) {
      const date = new Date(Date.UTC(2025, random.int(0, 7), random.int(1, 28))).toISOString().slice(0, 10);
      add(2025, 'regular', date, random.chance(0.8) ? MIDDLE : ABOVE);
    }
  }
  await bulkInsert(
    db,
    'poverty_review',
    [
      { name: 'household_id', type: 'int8' },
      { name: 'commune_code', type: 'text' },
      { name: 'year', type: 'int4' },
      { name: 'kind', type: 'text' },
      { name: 'review_date', type: 'date' },
      { name: 'income_per_person_monthly', type: 'int8' },
      { name: 'deprivations', type: 'text[]' },
      { name: 'deprivation_count', type: 'int4' },
      { name: 'classification', type: 'text' },
      { name: 'transition', type: 'text' },
      { name: 'standard_code', type: 'text' },
    ],
    [r.hh, r.commune, r.year, r.kind, r.date, r.income, r.deps, r.count, r.cls, r.tr, r.hh.map(() => standard.code)],
  );
  log(`registry: ${r.hh.length} reviews`);
  await sql`SELECT setval(pg_get_serial_sequence('household', 'id'), (SELECT max(id) FROM household))`.execute(db);
  await sql`SELECT setval(pg_get_serial_sequence('household_member', 'id'), (SELECT max(id) FROM household_member))`.execute(db);
  for (const table of ['household', 'household_member', 'poverty_review']) await sql`ANALYZE ${sql.table(table)}`.execute(db);
  await repo.rebuildPovertyRollups(db);
  log('registry: poverty rollups derived');
}
