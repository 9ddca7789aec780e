import type { Random } from '../../../db/random.js';

// Small drawing helpers the livelihoods generator's record kinds share (participants.ts, models.ts).

const pad = (n: number) => String(n).padStart(2, '0');
export const roundTo = (n: number, step: number) => Math.round(n / step) * step;

export function weightedPick<T>(random: Random, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = random.next() * total;
  for (let i = 0; i < items.length; i++) {
    pick -= weights[i]!;
    if (pick < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/** A day of `year` (January and February at half weight), between `from` and `to` inclusive. */
export function dayIn(random: Random, year: number, from: string, to: string): string {
  for (;;) {
    const month = weightedPick(random, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [0.5, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const date = `${year}-${pad(month)}-${pad(random.int(1, days))}`;
    if (date >= from && date <= to) return date;
  }
}
