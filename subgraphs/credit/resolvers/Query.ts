import { auditTrail, type AuditTrailArgs } from '../../common/audit.js';
import type { CreditContext } from '../context.js';
import { parseId } from '../../common/ids.js';

export const Query = {
  loanProgrammes: (_: unknown, __: unknown, ctx: CreditContext) => ctx.loaders.allProgrammes.load('all'),
  // Asked for by id, a loan outside the viewer's communes is refused (FORBIDDEN) rather than
  // answered as null: null would say "no such loan", which is not true.
  loan: async (_: unknown, { id }: { id: string }, ctx: CreditContext) => {
    const n = parseId(id);
    const loan = n === undefined ? undefined : await ctx.loaders.loanById.load(n);
    if (!loan) return null;
    ctx.auth.requireCommune(loan.commune_code, `Loan ${id}`);
    return loan;
  },
  creditAuditTrail: (_: unknown, args: AuditTrailArgs, ctx: CreditContext) => auditTrail(ctx.db, args),
};
