import { badInput } from '../../common/errors.js';
import type { Period } from '../repository.js';

/** The period of a figures field; refused when it ends before it starts. */
export function periodOf(args: { from: string; to: string }): Period {
  if (args.to < args.from) throw badInput('to', `to (${args.to}) is before from (${args.from})`);
  return { from: args.from, to: args.to };
}
