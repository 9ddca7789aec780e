import type { CityPlan } from '../../../db/generate/plan.js';
import type { Random } from '../../../db/random.js';

// What the housing generator's record kinds share (cases.ts, funding-lines.ts, contributions.ts):
// the published targets, the data set's calendar (days since 1970 as numbers) and drawing helpers.

/** The data set's "now": nothing is dated after it. */
export const HORIZON = '2025-09-30';

/** The published figures the generator hits (tests/figures/published-figures.json; generate.ts says how). */
export const TARGETS = {
  supportedByYear: { 2022: 1_680, 2023: 1_220, 2024: 620 } as Record<number, number>,
  approved2025: 640,
  cancelledShare: 0.03,
  completed2024: 714,
  fundHousesCompleted2021to2024: 1_837,
  fundMobilised2021to2024: 153_600_000_000,
  contributionsPerYear: { individual: 700, enterprise: 380, organisation: 200 } as Record<string, number>,
};

/** A target at the plan's scale. */
export const scaledBy = (plan: CityPlan) => (n: number) => Math.round(n * plan.scale);

export const DAY = 86_400_000;
export const toDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
export const toDate = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
export const HORIZON_DAY = toDay(HORIZON);

export function pickMonth(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random.next() * total;
  for (let m = 0; m < weights.length; m++) {
    r -= weights[m]!;
    if (r < 0) return m;
  }
  return weights.length - 1;
}

export function dayIn(year: number, month: number, random: Random): number {
  return Date.UTC(year, month, random.int(1, 28)) / DAY;
}

/** `n` ids drawn without replacement, each with probability proportional to its weight (Efraimidis-Spirakis). */
export function weightedSample(random: Random, ids: readonly number[], weights: readonly number[], n: number): number[] {
  const keyed = ids.map((id, i) => ({ id, key: Math.log(random.next() || Number.MIN_VALUE) / weights[i]! }));
  keyed.sort((a, b) => b.key - a.key || a.id - b.id);
  return keyed.slice(0, n).map((k) => k.id);
}

export function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
