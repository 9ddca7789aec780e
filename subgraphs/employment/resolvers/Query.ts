import { auditTrail } from '../../../platform/audit.js';
import * as repo from '../repository.js';
import { parseId } from '../../../platform/ids.js';
import type { QueryResolvers } from './types.generated.js';

export const Query: QueryResolvers = {
  // A record asked for by its id outside the caller's communes reads exactly as a missing one
  // (null): a refusal would confirm that the record exists, and in which commune.
  jobPlacement: async (_, { id }, ctx) => {
    const n = parseId(id);
    const placement = n === undefined ? undefined : await ctx.loaders.placementById.load(n);
    return placement && ctx.auth.canSeeCommune(placement.commune_code) ? placement : null;
  },
  jobFair: (_, { id }, ctx) => {
    const n = parseId(id);
    return n === undefined ? null : ctx.loaders.jobFairById.load(n);
  },
  jobFairs: async (_, { year, communeCode }, ctx) => {
    const fairs = await repo.findJobFairs(ctx.db, year, communeCode == null ? undefined : [communeCode]);
    for (const f of fairs) ctx.loaders.jobFairById.prime(f.id, f);
    return fairs;
  },
  trainingEnrolment: async (_, { id }, ctx) => {
    const n = parseId(id);
    const enrolment = n === undefined ? undefined : await ctx.loaders.enrolmentById.load(n);
    return enrolment && ctx.auth.canSeeCommune(enrolment.commune_code) ? enrolment : null;
  },
  labourStatistics: (_, { year }, ctx) => ctx.loaders.labourStatisticsByYear.load(year),
  employmentAuditTrail: (_, args, ctx) => auditTrail(ctx.db, args),
};
