import { resolveCityReference } from '../../../platform/city.js';
import { checkYear } from '../../../platform/consistency.js';
import type { RegistryContext } from '../context.js';
import * as repo from '../repository.js';
import { toPovertyFigures, yearRange } from './figures.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  name: () => 'Hà Nội',
  consistency: (_, { year }) => ({ year: checkYear(year) }),
  communeCount: async (_, __, ctx) => (await allCommunes(ctx)).length,
  wardCount: async (_, __, ctx) => (await allCommunes(ctx)).filter((c) => c.kind === 'ward').length,
  ruralCommuneCount: async (_, __, ctx) => (await allCommunes(ctx)).filter((c) => c.kind === 'rural').length,
  householdCount: (_, { year }, ctx) => ctx.loaders.cityHouseholdCount.load(year),
  povertyFigures: async (_, { year }, ctx) => toPovertyFigures(await ctx.loaders.cityFigures.load(year)),
  povertyTrend: async (_, { fromYear, toYear }, ctx) =>
    (await ctx.loaders.cityFigures.loadMany(yearRange(fromYear, toYear))).map((f) => {
      if (f instanceof Error) throw f;
      return toPovertyFigures(f);
    }),
  povertyStatus: async (_, { asOf }, ctx) => {
    const [byCommune, communes] = await Promise.all([ctx.loaders.povertyStatusByDate.load(asOf), allCommunes(ctx)]);
    let poor = 0;
    let nearPoor = 0;
    let communesWithNoPoor = 0;
    let communesWithNoPoorOrNearPoor = 0;
    for (const c of communes) {
      const row = byCommune.get(c.code);
      poor += row?.poor ?? 0;
      nearPoor += row?.near_poor ?? 0;
      if (!row?.poor) communesWithNoPoor++;
      if (!row?.poor && !row?.near_poor) communesWithNoPoorOrNearPoor++;
    }
    return { asOf, poor, nearPoor, communesWithNoPoor, communesWithNoPoorOrNearPoor };
  },
};

// The three counts in one query share the list: memoised on the request's loaders object.
const communeLists = new WeakMap<object, ReturnType<typeof repo.findCommunes>>();
function allCommunes(ctx: RegistryContext) {
  let list = communeLists.get(ctx.loaders);
  if (!list) {
    list = repo.findCommunes(ctx.db);
    communeLists.set(ctx.loaders, list);
  }
  return list;
}
