import { auditTrail, type AuditTrailArgs } from '../../../platform/audit.js';
import type { LivelihoodsContext } from '../context.js';
import * as repo from '../repository.js';

export const Query = {
  livelihoodProjects: async (_: unknown, __: unknown, ctx: LivelihoodsContext) => {
    const projects = await repo.findProjects(ctx.db);
    for (const p of projects) ctx.loaders.projectByCode.prime(p.code, p);
    return projects;
  },
  livelihoodProject: async (_: unknown, { code }: { code: string }, ctx: LivelihoodsContext) =>
    (await ctx.loaders.projectByCode.load(code)) ?? null,
  livelihoodsAuditTrail: (_: unknown, args: AuditTrailArgs, ctx: LivelihoodsContext) => auditTrail(ctx.db, args),
};
