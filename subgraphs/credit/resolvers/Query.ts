import { auditTrail } from '../../../platform/audit.js';
import { parseId } from '../../../platform/ids.js';
import type { QueryResolvers } from './types.generated.js';

export const Query: QueryResolvers = {
  loanProgrammes: (_, __, ctx) => ctx.loaders.allProgrammes.load('all'),
  // Asked for by id, a loan outside the viewer's communes reads exactly as a missing one (null):
  // a refusal would confirm that the loan exists, and in which commune.
  loan: async (_, { id }, ctx) => {
    const n = parseId(id);
    const loan = n === undefined ? undefined : await ctx.loaders.loanById.load(n);
    return loan && ctx.auth.canSeeCommune(loan.commune_code) ? loan : null;
  },
  creditAuditTrail: (_, args, ctx) => auditTrail(ctx.db, args),
};
