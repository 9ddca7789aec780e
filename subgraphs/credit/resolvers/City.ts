import { resolveCityReference } from '../../../platform/city.js';
import { sumMoney } from '../../../platform/scalars.js';
import { badInput } from '../../../platform/errors.js';
import type { CreditContext } from '../context.js';
import * as repo from '../repository.js';
import { periodKey, toCreditFigures, toCreditOutstanding } from './figures.js';

export const City = {
  __resolveReference: resolveCityReference,
  creditFigures: async (_: unknown, { from, to }: { from: string; to: string }, ctx: CreditContext) => {
    const [area, programmes] = await Promise.all([
      ctx.loaders.cityDisbursements.load(periodKey(from, to)),
      ctx.loaders.allProgrammes.load('all'),
    ]);
    return toCreditFigures(from, to, area, programmes, '');
  },
  creditOutstanding: async (_: unknown, { asOf }: { asOf: string }, ctx: CreditContext) => {
    const [area, programmes] = await Promise.all([ctx.loaders.cityOutstanding.load(asOf), ctx.loaders.allProgrammes.load('all')]);
    return toCreditOutstanding(asOf, area, programmes);
  },
  capitalEntrusted: async (_: unknown, { fromYear, toYear }: { fromYear: number; toYear: number }, ctx: CreditContext) => {
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
