import type { CreditContext } from '../context.js';
import { parseId } from '../../common/ids.js';

export const Query = {
  loanProgrammes: (_: unknown, __: unknown, ctx: CreditContext) => ctx.loaders.allProgrammes.load('all'),
  loan: (_: unknown, { id }: { id: string }, ctx: CreditContext) => {
    const n = parseId(id);
    return n === undefined ? null : ctx.loaders.loanById.load(n);
  },
};
