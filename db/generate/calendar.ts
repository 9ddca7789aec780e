import type { Random } from '../random.js';

/**
 * Vietnam's public holidays (Labour Code 2019, art. 112), on which no office of the city or of
 * the social-policy bank disburses: 1 January; Tết, from the last day of the old lunar year to
 * the fourth of the new (five days; the government's yearly decisions give a few more around
 * them, left out here); the Hùng Kings' day (10th of the third lunar month); 30 April and
 * 1 May; 2 September and, from 2021, one day beside it (1 or 3 September). Lunar dates below
 * are the Gregorian dates of the first day of the lunar year (Tết) and of 10/3, 2016-2026.
 */
const TET: Record<number, string> = {
  2016: '2016-02-08',
  2017: '2017-01-28',
  2018: '2018-02-16',
  2019: '2019-02-05',
  2020: '2020-01-25',
  2021: '2021-02-12',
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
};
const HUNG_KINGS: Record<number, string> = {
  2016: '2016-04-16',
  2017: '2017-04-06',
  2018: '2018-04-25',
  2019: '2019-04-14',
  2020: '2020-04-02',
  2021: '2021-04-21',
  2022: '2022-04-10',
  2023: '2023-04-29',
  2024: '2024-04-18',
  2025: '2025-04-07',
  2026: '2026-04-26',
};
/** The day beside National Day, by year (the government's choice). */
const NATIONAL_DAY_EXTRA: Record<number, string> = { 2021: '09-03', 2022: '09-01', 2023: '09-01', 2024: '09-03', 2025: '09-01', 2026: '09-01' };

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The public holidays of a year, as ISO dates. */
export function holidays(year: number): Set<string> {
  const days = new Set([`${year}-01-01`, `${year}-04-30`, `${year}-05-01`, `${year}-09-02`]);
  const extra = NATIONAL_DAY_EXTRA[year];
  if (extra) days.add(`${year}-${extra}`);
  if (HUNG_KINGS[year]) days.add(HUNG_KINGS[year]);
  const tet = TET[year];
  if (tet) for (let d = -1; d <= 3; d++) days.add(iso(Date.parse(tet) + d * DAY));
  return days;
}

const cache = new Map<number, Set<string>>();

/** A weekday that is not a public holiday. */
export function isWorkingDay(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const year = Number(date.slice(0, 4));
  let days = cache.get(year);
  if (!days) cache.set(year, (days = holidays(year)));
  return !days.has(date);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A working day of `year` between the months given (inclusive), on day 1-28 of its month (so
 * that anniversaries exist every year): drawn uniformly, redrawn on a weekend or holiday.
 */
export function workingDayIn(random: Random, year: number, fromMonth = 1, toMonth = 12): string {
  for (;;) {
    const date = `${year}-${pad(random.int(fromMonth, toMonth))}-${pad(random.int(1, 28))}`;
    if (isWorkingDay(date)) return date;
  }
}
