import type { EmploymentContext } from '../context.js';
import * as repo from '../repository.js';
import { parseId } from '../../common/ids.js';

export const Query = {
  jobPlacement: (_: unknown, { id }: { id: string }, ctx: EmploymentContext) => {
    const n = parseId(id);
    return n === undefined ? null : ctx.loaders.placementById.load(n);
  },
  jobFair: (_: unknown, { id }: { id: string }, ctx: EmploymentContext) => {
    const n = parseId(id);
    return n === undefined ? null : ctx.loaders.jobFairById.load(n);
  },
  jobFairs: async (_: unknown, { year, communeCode }: { year: number; communeCode?: string | null }, ctx: EmploymentContext) => {
    const fairs = await repo.findJobFairs(ctx.db, year, communeCode == null ? undefined : [communeCode]);
    for (const f of fairs) ctx.loaders.jobFairById.prime(f.id, f);
    return fairs;
  },
  trainingEnrolment: (_: unknown, { id }: { id: string }, ctx: EmploymentContext) => {
    const n = parseId(id);
    return n === undefined ? null : ctx.loaders.enrolmentById.load(n);
  },
  labourStatistics: (_: unknown, { year }: { year: number }, ctx: EmploymentContext) => ctx.loaders.labourStatisticsByYear.load(year),
};
