import { auditTrail, type AuditTrailArgs } from '../../common/audit.js';
import type { HousingContext } from '../context.js';
import { parseId } from '../../common/ids.js';

export const Query = {
  housingCase: async (_: unknown, { id }: { id: string }, ctx: HousingContext) => {
    const n = parseId(id);
    const housingCase = n === undefined ? undefined : await ctx.loaders.caseById.load(n);
    // Asked for by id, a case outside the viewer's communes is refused rather than hidden: the
    // caller named it, so a null would read as "no such case".
    if (housingCase) ctx.auth.requireCommune(housingCase.commune_code, `HousingCase ${id}`);
    return housingCase ?? null;
  },

  housingAuditTrail: (_: unknown, args: AuditTrailArgs, ctx: HousingContext) => auditTrail(ctx.db, args),
};
