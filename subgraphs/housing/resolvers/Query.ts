import { auditTrail } from '../../../platform/audit.js';
import { parseId } from '../../../platform/ids.js';
import type { QueryResolvers } from './types.generated.js';

export const Query: QueryResolvers = {
  housingCase: async (_, { id }, ctx) => {
    const n = parseId(id);
    const housingCase = n === undefined ? undefined : await ctx.loaders.caseById.load(n);
    // Asked for by id, a case outside the viewer's communes reads exactly as a missing one
    // (null): a refusal would confirm that the case exists, and in which commune.
    return housingCase && ctx.auth.canSeeCommune(housingCase.commune_code) ? housingCase : null;
  },

  housingAuditTrail: (_, args, ctx) => auditTrail(ctx.db, args),
};
