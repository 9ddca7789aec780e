import { auditTrail, type AuditTrailArgs } from '../../../platform/audit.js';
import type { HousingContext } from '../context.js';
import { parseId } from '../../../platform/ids.js';

export const Query = {
  housingCase: async (_: unknown, { id }: { id: string }, ctx: HousingContext) => {
    const n = parseId(id);
    const housingCase = n === undefined ? undefined : await ctx.loaders.caseById.load(n);
    // Asked for by id, a case outside the viewer's communes reads exactly as a missing one
    // (null): a refusal would confirm that the case exists, and in which commune.
    return housingCase && ctx.auth.canSeeCommune(housingCase.commune_code) ? housingCase : null;
  },

  housingAuditTrail: (_: unknown, args: AuditTrailArgs, ctx: HousingContext) => auditTrail(ctx.db, args),
};
