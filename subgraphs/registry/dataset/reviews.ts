import type { Kysely } from 'kysely';
import { bulkInsert } from '../../../db/bulk.js';
import { ABOVE, plantedCount, LISTED_INCOME_FLOOR_SHARE, MIDDLE, NEAR_POOR, POOR, REVIEW_YEARS, type CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';
import type { Classification, RegistryDatabase, Transition } from '../db/tables.js';
import { score, transition, type StandardRules } from '../standard.js';

/**
 * The reviews of the poverty population: each review's income and deprivations drawn inside the
 * plan's band, then scored by the standard (`rules`, with its `indicators`) as a recorded review
 * is. Returns their columns, in the order written (their ids grow with the index).
 */
export async function generateReviews(
  db: Kysely<RegistryDatabase>,
  plan: CityPlan,
  random: Random,
  standard: { code: string; rules: StandardRules; indicators: readonly string[] },
  log: (m: string) => void,
) {
  const { rules, indicators } = standard;
  const r = {
    hh: [] as number[],
    commune: [] as string[],
    year: [] as number[],
    kind: [] as string[],
    date: [] as string[],
    income: [] as number[],
    deps: [] as string[][],
    count: [] as number[],
    cls: [] as Classification[],
    tr: [] as Transition[],
  };
  const escaped = new Set(plan.escaped2025);
  // Health insurance agrees with social insurance: every member of a household on the list in
  // force (the review of the year before) holds a supported card, and middle-income farming
  // households may hold one, so their reviews never mark the health-insurance indicator...
  const insured = (i: number, year: number) => {
    const before = plan.bands[year - 1]?.[i];
    return before === POOR || before === NEAR_POOR || i + 1 >= plan.middleIncomeStart;
  };
  // ...except for a few planted on purpose (docs/data.md): near-poor households of the 2024
  // review that were near-poor in 2023 too, so insured, marked deprived on health insurance
  // (in place of another indicator, so that their classification stays as planned).
  const plantedIds = new Set<number>();
  for (let i = 0; i < plan.middleIncomeStart - 1 && plantedIds.size < plantedCount('insuredButDeprived', plan.scale); i += 7) {
    if (plan.bands[2024]![i] === NEAR_POOR && plan.bands[2023]![i] === NEAR_POOR) plantedIds.add(i + 1);
  }
  log(`registry: planted "deprived on health insurance while insured" (2024 review) on households ${[...plantedIds].join(', ')}`);
  const HI = 'health_insurance';
  for (let i = 0; i < plan.povertyPopulation; i++) {
    const commune = plan.communes[plan.householdCommune[i]!]!;
    let previous: Classification | undefined;
    const add = (year: number, kind: 'periodic' | 'regular', date: string, band: number) => {
      const line = commune.kind === 'ward' ? rules.urbanIncomeLine : rules.ruralIncomeLine;
      const middle = commune.kind === 'ward' ? rules.urbanMiddleIncomeLine : rules.ruralMiddleIncomeLine;
      const round = (n: number) => Math.round(n / 10_000) * 10_000;
      const income =
        band === POOR || band === NEAR_POOR
          ? round(line * (LISTED_INCOME_FLOOR_SHARE + random.next() * (1 - LISTED_INCOME_FLOOR_SHARE)))
          : band === MIDDLE
            ? round(line + 10_000 + random.next() * (middle - line - 20_000))
            : round(middle * (1.05 + random.next()));
      const depCount = band === POOR ? random.int(3, 6) : band === NEAR_POOR ? random.int(0, 2) : random.int(0, 3);
      const choices = insured(i, year) ? indicators.filter((c) => c !== HI) : indicators;
      const deprivations = [...choices].sort(() => random.next() - 0.5).slice(0, depCount);
      if (year === 2024 && kind === 'periodic' && plantedIds.has(i + 1)) deprivations.splice(0, 1, HI);
      deprivations.sort();
      const scored = score(rules, { communeKind: commune.kind, incomePerPersonMonthly: income, deprivations });
      r.hh.push(i + 1);
      r.commune.push(commune.code);
      r.year.push(year);
      r.kind.push(kind);
      r.date.push(date);
      r.income.push(income);
      r.deps.push(deprivations);
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
    [r.hh, r.commune, r.year, r.kind, r.date, r.income, r.deps.map((d) => `{${d.join(',')}}`), r.count, r.cls, r.tr, r.hh.map(() => standard.code)],
    { emptied: true },
  );
  log(`registry: ${r.hh.length} reviews`);
  return r;
}
