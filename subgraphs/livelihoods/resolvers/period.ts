import { checkPeriod, type Period } from '../../../platform/period.js';

/** The period of a figures field; refused when it ends before it starts. */
export function periodOf(args: { from: string; to: string }): Period {
  return checkPeriod(args.from, args.to);
}
