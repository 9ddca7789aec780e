import { badInput } from './errors.js';

/** A span of calendar days, both ends included ('YYYY-MM-DD'). */
export interface Period {
  from: string;
  to: string;
}

/** The period of a figures field; refused, naming `to`, when it ends before it starts. */
export function checkPeriod(from: string, to: string): Period {
  if (to < from) throw badInput('to', `to (${to}) is before from (${from})`);
  return { from, to };
}

/** The cache key of a period (a DataLoader's cacheKeyFn, a kept answer's key): "from|to". Never parsed back. */
export function periodKey(period: Period): string {
  return `${period.from}|${period.to}`;
}
