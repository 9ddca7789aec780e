import type { SocialInsuranceContext } from '../context.js';
import { periodKey } from '../loaders.js';
import { checkPeriod } from './figures.js';
import { findReportedStatistics } from '../repository.js';

/** Hanoi's province code; the graph covers one city. */
export const CITY_CODE = '01';

export const City = {
  __resolveReference: (ref: { code: string }) => (ref.code === CITY_CODE ? { code: CITY_CODE } : null),
  socialFigures: (_: unknown, { from, to }: { from: string; to: string }, ctx: SocialInsuranceContext) => {
    checkPeriod(from, to);
    return ctx.loaders.cityFigures.load(periodKey(from, to));
  },
  socialReportedStatistics: async (_: unknown, __: unknown, ctx: SocialInsuranceContext) =>
    (await findReportedStatistics(ctx.db)).map((s) => ({ ...s, value: Number(s.value) })),
};
