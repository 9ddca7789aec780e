import { auditTrail, type AuditTrailArgs } from '../../../platform/audit.js';
import type { CreditContext } from '../context.js';
import { parseId } from '../../../platform/ids.js';

export const Query = {
  loanProgrammes: (_: unknown, __: unknown, ctx: CreditContext) => ctx.loaders.allProgrammes.load('all'),
  // Asked for by id, a loan outside the viewer's communes reads exactly as a missing one (null):
  // a refusal would confirm that the loan exists, and in which commune.
  loan: async (_: unknown, { id }: { id: string }, ctx: CreditContext) => {
    const n = parseId(id);
    const loan = n === undefined ? undefined : await ctx.loaders.loanById.load(n);
    return loan && ctx.auth.canSeeCommune(loan.commune_code) ? loan : null;
  },
  creditAuditTrail: (_: unknown, args: AuditTrailArgs, ctx: CreditContext) => auditTrail(ctx.db, args),
};
