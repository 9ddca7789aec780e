import { apportion, INCOME_LINES_2022_2025, LISTED_INCOME_FLOOR_SHARE, NEAR_POOR, POOR, type CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';
import type { HouseholdClassification } from '../db/tables.js';

// What the employment generator's record kinds (fairs.ts, placements.ts, training.ts) share:
// the targets, the dates, the drawing helpers and the plan's people (World). generate.ts says
// what the data set is and runs them in order (one random stream: the order is part of the data).

/** The data set's as-of date: no completion after it. */
export const AS_OF = '2025-09-30';
export const YEARS = [2022, 2023, 2024] as const;

export interface YearTargets {
  workers: number;
  budgetFunded: number;
  fairHires: number;
  fairHiresAbroad: number;
  enrolments: number;
}

export const EMPLOYMENT_TARGETS: Record<number, YearTargets> = {
  2022: { workers: 183_000, budgetFunded: 41_200, fairHires: 14_800, fairHiresAbroad: 3_100, enrolments: 205_000 },
  2023: { workers: 201_500, budgetFunded: 47_900, fairHires: 17_400, fairHiresAbroad: 4_300, enrolments: 226_000 },
  // Published 2024: more than 225,800 workers; 53,826 with budget funds; more than 19,000 fair
  // hires, almost 5,000 of them abroad; 250,000 enrolments.
  2024: { workers: 226_150, budgetFunded: 53_826, fairHires: 19_264, fairHiresAbroad: 4_960, enrolments: 250_000 },
};

export const CLASSIFICATION: Record<number, HouseholdClassification> = { 0: 'above_middle_income', 1: 'middle_income', 2: 'near_poor', 3: 'poor' };

// Dates as day numbers (days since 1970-01-01), written as ISO text from a cache.
const DAY_MS = 86_400_000;
export const dayOf = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY_MS;
const isoCache = new Map<number, string>();
export function iso(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) isoCache.set(day, (s = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  return s;
}
export const AS_OF_DAY = Date.parse(`${AS_OF}T00:00:00Z`) / DAY_MS;

export function scaled(n: number, scale: number): number {
  return Math.round(n * scale);
}

export function pickWeighted(random: Random, weights: readonly number[], total = weights.reduce((a, b) => a + b, 0)): number {
  let r = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** A day in `year`, its month drawn by `monthWeights`. */
export function dayInYear(random: Random, year: number, monthWeights: readonly number[]): number {
  const month = pickWeighted(random, monthWeights) + 1;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return dayOf(year, month, random.int(1, days));
}

export function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/**
 * `n` items of an already shuffled list, each accepted with its probability `accept(item)` in a
 * first pass, then (if the list ran short) any not yet taken, in order.
 */
export function takeBiased(random: Random, list: readonly number[], n: number, accept: (item: number) => number): number[] {
  const taken: number[] = [];
  const skipped: number[] = [];
  for (const item of list) {
    if (taken.length >= n) break;
    if (random.chance(accept(item))) taken.push(item);
    else skipped.push(item);
  }
  for (const item of skipped) {
    if (taken.length >= n) break;
    taken.push(item);
  }
  if (taken.length < n) throw new Error(`employment generator: wanted ${n} people, only ${taken.length} available`);
  return taken;
}

/** Whole-number parts of `total` by weights, none above its cap (the overflow goes to the others). */
export function apportionCapped(total: number, weights: number[], caps: readonly number[]): number[] {
  const capTotal = caps.reduce((a, b) => a + b, 0);
  if (total > capTotal) throw new Error(`employment generator: ${total} exceeds the caps (${capTotal})`);
  const parts = weights.map(() => 0);
  let rest = total;
  let open = weights.map((_, i) => i);
  while (rest > 0) {
    const share = apportion(
      rest,
      open.map((i) => weights[i]!),
    );
    rest = 0;
    open.forEach((i, k) => {
      const add = Math.min(share[k]!, caps[i]! - parts[i]!);
      parts[i]! += add;
      rest += share[k]! - add;
    });
    open = open.filter((i) => parts[i]! < caps[i]!);
    if (rest > 0 && open.every((i) => weights[i] === 0)) open.forEach((i) => (weights[i] = 1));
  }
  return parts;
}

/** People categories for drawing: 0 on the lists in force, 1 rest of the reviewed population, 2 everyone else. */
export type Category = 0 | 1 | 2;

/** A full wage: a listed household's member whose allowance is below it is not drawn to work. */
const MIN_FULL_WAGE = 4_000_000;

/** The plan's people as the record kinds draw them, and the one random stream they draw from. */
export interface World {
  plan: CityPlan;
  random: Random;
  scale: number;
  /** Household of every member (index member id - 1). */
  memberHousehold: Int32Array;
  communeOfHousehold: (household: number) => number;
  communeCode: readonly string[];
  classificationIn: (household: number, year: number) => HouseholdClassification | null;
  wageAllowance: (household: number, year: number) => number | null;
  poolsOf: (year: number) => [number[], number[], number[]];
  ageOf: (member: number, year: number) => number;
}

export function worldOf(plan: CityPlan, random: Random): World {
  // Household of every member (index member id - 1).
  const memberHousehold = new Int32Array(plan.memberTotal);
  for (let h = 0; h < plan.householdCount; h++) {
    const start = plan.memberStart[h]! - 1;
    for (let k = 0; k < plan.memberCount[h]!; k++) memberHousehold[start + k] = h + 1;
  }
  const communeOfHousehold = (h: number) => plan.householdCommune[h - 1]!;
  const communeCode = plan.communes.map((c) => c.code);

  /** Classification in force in `year` (review of year-1); null when not reviewed then. */
  const classificationIn = (household: number, year: number): HouseholdClassification | null => {
    if (household > plan.povertyPopulation) return null;
    const band = plan.bands[year - 1]?.[household - 1];
    return band === undefined || band === 255 ? null : CLASSIFICATION[band]!;
  };
  const categoryIn = (household: number, year: number): Category => {
    if (household > plan.povertyPopulation) return 2;
    const band = plan.bands[year - 1]?.[household - 1];
    return band === POOR || band === NEAR_POOR ? 0 : 1;
  };

  /**
   * For a household on the poor or near-poor list drawn by the review of `year`: the most its
   * placed members may earn a month without contradicting that review (see above); else null.
   */
  const wageAllowance = (household: number, year: number): number | null => {
    if (household > plan.povertyPopulation) return null;
    const band = plan.bands[year]?.[household - 1];
    if (band !== POOR && band !== NEAR_POOR) return null;
    const line = plan.communes[communeOfHousehold(household)]!.kind === 'ward' ? INCOME_LINES_2022_2025.urban : INCOME_LINES_2022_2025.rural;
    return Math.floor((2 * LISTED_INCOME_FLOOR_SHARE * line * plan.memberCount[household - 1]!) / 100_000) * 100_000;
  };

  /** Members aged 16-60 in `year`, by category, each list shuffled (one member at most of a household listed at the year's review). */
  const poolsOf = (year: number): [number[], number[], number[]] => {
    const pools: [number[], number[], number[]] = [[], [], []];
    let lastListed = 0;
    for (let m = 1; m <= plan.memberTotal; m++) {
      const age = year - plan.memberBirthYear[m - 1]!;
      if (age < 16 || age > 60) continue;
      const household = memberHousehold[m - 1]!;
      const allowance = wageAllowance(household, year);
      if (allowance !== null) {
        if (household === lastListed || allowance < MIN_FULL_WAGE) continue;
        lastListed = household;
      }
      pools[categoryIn(household, year)].push(m);
    }
    for (const p of pools) shuffle(random, p);
    return pools;
  };
  const ageOf = (member: number, year: number) => year - plan.memberBirthYear[member - 1]!;
  return { plan, random, scale: plan.scale, memberHousehold, communeOfHousehold, communeCode, classificationIn, wageAllowance, poolsOf, ageOf };
}
