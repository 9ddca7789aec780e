import { resolveCityReference } from '../../../platform/city.js';
import { sumMoney } from '../../../platform/scalars.js';
import { badInput } from '../../../platform/errors.js';
import * as repo from '../repository.js';
import { checkPeriod } from '../../../platform/period.js';
import { toCreditFigures, toCreditOutstanding } from './figures.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  creditFigures: async (_, { from, to }, ctx) => {
    const [area, programmes] = await Promise.all([ctx.loaders.cityDisbursements.load(checkPeriod(from, to)), ctx.loaders.allProgrammes.load('all')]);
    return toCreditFigures(from, to, area, programmes, '');
  },
  creditOutstanding: async (_, { asOf }, ctx) => {
    const [area, programmes] = await Promise.all([ctx.loaders.cityOutstanding.load(asOf), ctx.loaders.allProgrammes.load('all')]);
    return toCreditOutstanding(asOf, area, programmes);
  },
  capitalEntrusted: async (_, { fromYear, toYear }, ctx) => {
    if (toYear < fromYear) throw badInput('toYear', `toYear (${toYear}) is before fromYear (${fromYear})`);
    const rows = await repo.findCapitalEntrusted(ctx.db, fromYear, toYear);
    return {
      fromYear,
      toYear,
      total: sumMoney(rows.map((r) => r.amount)),
      entries: rows.map((r) => ({ year: r.year, amount: r.amount, sourceNote: r.source_note })),
    };
  },
};
