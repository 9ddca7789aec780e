import { sql, type RawBuilder } from 'kysely';

/**
 * Dates as rollup tables hold them: one row per area and per year, month or day of the period it
 * starts. Any period of days is at most five runs of such rows, so a figure for any period (or a
 * balance up to any date) reads a handful of rows per area. Credit and health insurance both
 * keep their rollups this way.
 */

/** The grain of a rollup row: the period its `period_start` begins. */
export type RollupGrain = 'year' | 'month' | 'day';

/** A run of rollup rows of one grain: those whose period starts from `from` to `to` inclusive. */
export interface DateSegment {
  grain: RollupGrain;
  from: string;
  to: string;
}

/** The first day the rollups can hold: a prefix "up to `date`" is the period from here. */
export const FIRST_DAY = '0001-01-01';

const pad2 = (n: number) => String(n).padStart(2, '0');
const dateOf = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
// Not Date.UTC: it reads years 0-99 as 1900-1999.
const daysIn = (y: number, m: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** The day after `date` (ISO, proleptic Gregorian, no time zone involved). */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (d < daysIn(y, m)) return dateOf(y, m, d + 1);
  return m < 12 ? dateOf(y, m + 1, 1) : dateOf(y + 1, 1, 1);
}

/**
 * The days from `from` to `to` inclusive as at most five runs of rollup rows: the days up to
 * the first month boundary, the months up to the first year boundary, the whole years, then the
 * months and the days of the last year. A period of whole years is one run of year rows, so
 * the usual dashboard periods read a handful of rows per area whatever the data.
 */
export function dateSegments(from: string, to: string): DateSegment[] {
  const segments: DateSegment[] = [];
  const [toY, toM, toD] = to.split('-').map(Number) as [number, number, number];
  const toIsMonthEnd = toD === daysIn(toY, toM);
  let start = from;
  while (start <= to) {
    const [y, m, d] = start.split('-').map(Number) as [number, number, number];
    let end: string;
    if (m === 1 && d === 1 && `${String(y).padStart(4, '0')}-12-31` <= to) {
      const lastYear = toIsMonthEnd && toM === 12 ? toY : toY - 1;
      segments.push({ grain: 'year', from: start, to: dateOf(lastYear, 1, 1) });
      end = dateOf(lastYear, 12, 31);
    } else if (d === 1 && dateOf(y, m, daysIn(y, m)) <= to) {
      const lastMonth = toY > y ? 12 : toIsMonthEnd ? toM : toM - 1;
      segments.push({ grain: 'month', from: start, to: dateOf(y, lastMonth, 1) });
      end = dateOf(y, lastMonth, daysIn(y, lastMonth));
    } else {
      const monthEnd = dateOf(y, m, daysIn(y, m));
      end = monthEnd < to ? monthEnd : to;
      segments.push({ grain: 'day', from: start, to: end });
    }
    if (end >= to) break;
    start = nextDay(end);
  }
  return segments;
}

/**
 * Rollup rows in the runs of `segments`, as conditions the planner turns into index range scans
 * on the primary key (a join with the runs as a table gets planned as a scan of every row).
 */
export function inSegments(segments: readonly DateSegment[]): RawBuilder<unknown> {
  return sql`(${sql.join(
    segments.map((s) => sql`(grain = ${s.grain} AND period_start BETWEEN ${s.from}::date AND ${s.to}::date)`),
    sql` OR `,
  )})`;
}
