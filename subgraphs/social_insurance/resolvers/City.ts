import { resolveCityReference } from '../../../platform/city.js';
import type { SocialInsuranceContext } from '../context.js';
import { periodKey } from '../loaders.js';
import { checkPeriod } from './figures.js';
import { findReportedStatistics } from '../repository.js';

export const City = {
  __resolveReference: resolveCityReference,
  socialFigures: (_: unknown, { from, to }: { from: string; to: string }, ctx: SocialInsuranceContext) => {
    checkPeriod(from, to);
    return ctx.loaders.cityFigures.load(periodKey(from, to));
  },
  socialReportedStatistics: async (_: unknown, __: unknown, ctx: SocialInsuranceContext) =>
    (await findReportedStatistics(ctx.db)).map((s) => ({ ...s, value: Number(s.value) })),
};
