import type { CityPlan } from '../../../db/generate/plan.js';
import { Random } from '../../../db/random.js';

// What every record kind of the social-insurance share of the city data set (generate.ts)
// draws on: the plan's households as it sees them, one random stream, dates and column buffers.

const SEED_OFFSET = 404;
/** No date after this: the data set's horizon. */
export const HORIZON = '2025-09-30';

/**
 * The plan's households as the generators read them, and the one random stream they draw from
 * in turn: the record kinds are written in a fixed order (generate.ts), so the data set is the
 * same for a seed whatever file each kind lives in.
 */
export interface City {
  plan: CityPlan;
  random: Random;
  /** A household's commune (h: the household's index, its id - 1). */
  communeOf: (h: number) => CityPlan['communes'][number];
  /** A household's band in the review of `reviewYear` (255: not reviewed). */
  bandIn: (reviewYear: number, h: number) => number;
  /** A household's member ids. */
  membersOf: (h: number) => number[];
  birthYear: (memberId: number) => number;
  log: (message: string) => void;
}

export function cityOf(plan: CityPlan, log: (message: string) => void): City {
  return {
    plan,
    random: new Random(plan.seed + SEED_OFFSET),
    communeOf: (h) => plan.communes[plan.householdCommune[h]!]!,
    bandIn: (reviewYear, h) => (h < plan.povertyPopulation ? (plan.bands[reviewYear]?.[h] ?? 255) : 255),
    membersOf: (h) => {
      const ids: number[] = [];
      for (let k = 0; k < plan.memberCount[h]!; k++) ids.push(plan.memberStart[h]! + k);
      return ids;
    },
    birthYear: (memberId) => plan.memberBirthYear[memberId - 1]!,
    log,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
export const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
/** Last day of month m (1-12, may exceed 12 for the next years) of year y, as an ISO date. */
export function endOfMonth(y: number, m: number): string {
  const date = new Date(Date.UTC(y, m, 0)); // day 0 of the next month
  return date.toISOString().slice(0, 10);
}

/** Column buffers for one table, pushed row by row and inserted in chunks. */
export class Columns {
  readonly data: unknown[][];
  constructor(readonly columns: Array<{ name: string; type: string }>) {
    this.data = columns.map(() => []);
  }
  push(...values: unknown[]): void {
    values.forEach((v, i) => this.data[i]!.push(v));
  }
  get length(): number {
    return this.data[0]!.length;
  }
}
