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

/** DataLoader key of a period: "from|to". */
export function periodKey(period: Period): string {
  return `${period.from}|${period.to}`;
}

export function parsePeriodKey(key: string): Period {
  const [from, to] = key.split('|');
  return { from: from!, to: to! };
}
