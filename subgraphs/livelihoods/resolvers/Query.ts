import { auditTrail } from '../../../platform/audit.js';
import * as repo from '../repository.js';
import type { QueryResolvers } from './types.generated.js';

export const Query: QueryResolvers = {
  livelihoodProjects: async (_, __, ctx) => {
    const projects = await repo.findProjects(ctx.db);
    for (const p of projects) ctx.loaders.projectByCode.prime(p.code, p);
    return projects;
  },
  livelihoodProject: async (_, { code }, ctx) => (await ctx.loaders.projectByCode.load(code)) ?? null,
  livelihoodsAuditTrail: (_, args, ctx) => auditTrail(ctx.db, args),
};
