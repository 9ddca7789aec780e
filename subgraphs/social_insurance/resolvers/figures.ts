import { badInput } from '../../common/errors.js';

/** Refuses a period that ends before it starts. */
export function checkPeriod(from: string, to: string): void {
  if (to < from) throw badInput('to', `to (${to}) is before from (${from})`);
}
