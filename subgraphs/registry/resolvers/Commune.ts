import type { RegistryContext } from '../context.js';
import type { Commune as CommuneRow } from '../db/tables.js';
import { toPovertyFigures, yearRange } from './figures.js';
import { communeConsistency } from './Consistency.js';
import { householdPage, type HouseholdListArgs } from './Query.js';

export const Commune = {
  __resolveReference: (ref: { code: string }, ctx: RegistryContext) => ctx.loaders.communeByCode.load(ref.code),
  householdCount: (c: CommuneRow, { year }: { year: number }, ctx: RegistryContext) =>
    ctx.loaders.householdCount.load(`${c.code}|${year}`),
  povertyFigures: async (c: CommuneRow, { year }: { year: number }, ctx: RegistryContext) =>
    toPovertyFigures(await ctx.loaders.communeFigures.load(`${c.code}|${year}`)),
  povertyTrend: async (c: CommuneRow, { fromYear, toYear }: { fromYear: number; toYear: number }, ctx: RegistryContext) => {
    const years = yearRange(fromYear, toYear);
    const figures = await Promise.all(years.map((y) => ctx.loaders.communeFigures.load(`${c.code}|${y}`)));
    return figures.map(toPovertyFigures);
  },
  povertyStatus: async (c: CommuneRow, { asOf }: { asOf: string }, ctx: RegistryContext) => {
    const row = (await ctx.loaders.povertyStatusByDate.load(asOf)).get(c.code);
    return { asOf, poor: row?.poor ?? 0, nearPoor: row?.near_poor ?? 0 };
  },
  households: (c: CommuneRow, args: HouseholdListArgs, ctx: RegistryContext) =>
    householdPage(ctx, { ...args, filter: { ...args.filter, communeCode: c.code } }),
  consistency: (c: CommuneRow, { year }: { year: number }, ctx: RegistryContext) => communeConsistency(c.code, year, ctx),
};
