import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Commune, Household, HouseholdMember, PovertyIndicator, PovertyReview, PovertyStandard, RegistryDatabase } from './db/tables.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { cityScope, type KeptRequest } from '../../platform/kept.js';
import { communeAskKey, type CommuneAsk } from '../../platform/figure-loaders.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

/** Poverty figures of one area and year, before GraphQL naming. */
export interface Figures {
  year: number;
  households: number | null;
  counts: Omit<repo.PovertyCounts, 'commune_code'>;
}

/** The key of a commune's figure of a year. */
const byYear = communeAskKey<number>(String);

/**
 * One set of loaders per request: each batched lookup is one SQL statement per tick. The figure
 * loaders' answers are kept between requests while their communes' versions hold (platform/kept.ts).
 */
export function createLoaders(db: Kysely<RegistryDatabase>, kept: KeptRequest) {
  // A commune's households of a year: every commune and year asked in one statement.
  const householdCount = kept.loader<CommuneAsk<number>, number | null>(
    'householdCount',
    (ask) => ask.commune,
    async (asks) => {
      const rows = await repo.householdCounts(
        db,
        asks.map((a) => ({ code: a.commune, year: a.args })),
      );
      return byKey(asks.map(byYear), rows, (r) => `${r.code}|${r.year}`).map((r) => r?.households ?? null);
    },
    { cacheKeyFn: byYear },
  );

  const cityHouseholdCount = kept.loader<number, number | null>('cityHouseholdCount', cityScope, async (years) => {
    const rows = await repo.cityHouseholdCounts(db, years);
    return byKey(years, rows, (r) => r.year).map((r) => (r?.households == null ? null : Number(r.households)));
  });

  // Counts for every commune of a year come from one statement; the loader caches them per year.
  const communeCountsByYear = kept.loader<number, Map<string, repo.PovertyCounts>>('communeCountsByYear', cityScope, async (years) =>
    Promise.all(years.map(async (year) => new Map((await repo.povertyCounts(db, year, true)).map((r) => [r.commune_code!, r])))),
  );

  return {
    /** Per date: each commune's poor and near-poor counts (one statement per distinct date). */
    povertyStatusByDate: kept.loader<string, Map<string, { poor: number; near_poor: number }>>('povertyStatusByDate', cityScope, async (dates) =>
      Promise.all(dates.map(async (d) => new Map((await repo.povertyStatusCounts(db, d)).map((r) => [r.commune_code, r])))),
    ),
    communeByCode: new DataLoader<string, Commune | undefined>(async (codes) => byKey(codes, await repo.findCommunes(db, { codes }), (c) => c.code)),
    householdById: new DataLoader<number, Household | undefined>(async (ids) => byKey(ids, await repo.findHouseholdsByIds(db, ids), (h) => h.id)),
    membersByHousehold: new DataLoader<number, HouseholdMember[]>(async (ids) =>
      groupBy(ids, await repo.findMembersByHouseholdIds(db, ids), (m) => m.household_id),
    ),
    memberById: new DataLoader<number, HouseholdMember | undefined>(async (ids) => byKey(ids, await repo.findMembersByIds(db, ids), (m) => m.id)),
    reviewsByHousehold: new DataLoader<number, PovertyReview[]>(async (ids) =>
      groupBy(ids, await repo.findReviewsByHouseholdIds(db, ids), (r) => r.household_id),
    ),
    standardByCode: new DataLoader<string, PovertyStandard | undefined>(async (codes) =>
      byKey(codes, await repo.findStandardsByCodes(db, codes), (s) => s.code),
    ),
    indicatorsByStandard: new DataLoader<string, PovertyIndicator[]>(async (codes) =>
      groupBy(codes, await repo.findIndicatorsByStandards(db, codes), (i) => i.standard_code),
    ),
    householdCount,
    cityHouseholdCount,
    /** A commune's poverty figures of a year: its year's counts of every commune, and its households. */
    communeFigures: new DataLoader<CommuneAsk<number>, Figures, string>(
      async (asks) => {
        const years = [...new Set(asks.map((a) => a.args))];
        const [counts, denominators] = await Promise.all([communeCountsByYear.loadMany(years), householdCount.loadMany(asks)]);
        const countsOf = new Map<number, Map<string, repo.PovertyCounts>>();
        years.forEach((year, i) => {
          const c = counts[i];
          if (c instanceof Error) throw c;
          countsOf.set(year, c!);
        });
        return asks.map(({ commune, args: year }, i) => {
          const denominator = denominators[i];
          if (denominator instanceof Error) throw denominator;
          const row = countsOf.get(year)?.get(commune);
          return { year, households: denominator ?? null, counts: row ? strip(row) : repo.NO_POVERTY_COUNTS };
        });
      },
      { cacheKeyFn: byYear },
    ),
    cityFigures: kept.loader<number, Figures>('cityFigures', cityScope, async (years) =>
      Promise.all(
        years.map(async (year) => {
          const [rows, households] = await Promise.all([repo.povertyCounts(db, year, false), cityHouseholdCount.load(year)]);
          return { year, households, counts: rows[0] ? strip(rows[0]) : repo.NO_POVERTY_COUNTS };
        }),
      ),
    ),
  };
}

function strip(row: repo.PovertyCounts): Figures['counts'] {
  const { commune_code: _ignored, ...counts } = row;
  return counts;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from tables that move the versions (the migration 2026_12_04_2010_keep_registry_figures),
 * reference data only a migration writes, entity keys and arguments. Each reads:
 *
 * - the communes (Query.commune, Query.communes, Commune.name/kind, City.communeCount and its
 *   kinds, CommuneWhatIf.commune): the commune table;
 * - household counts (Commune.householdCount, City.householdCount, PovertyFigures.households):
 *   commune_household_count (and commune, for the city's sum);
 * - poverty figures and trends (Commune/City.povertyFigures, .povertyTrend): poverty_year_rollup
 *   and the household counts; their rates are derived per visibility class (derivedShare);
 * - the status on a date (City.povertyStatus, Commune.povertyStatus): poverty_status_change up to
 *   `asOf` (a required argument, no default: never "today") and the commune list;
 * - the what-if (Query.povertyWhatIf): poverty_standard (reference rows only migrations write),
 *   poverty_year_rollup joined with poverty_whatif_rollup, and the commune list;
 * - Query.city, City.code, City.name: constants.
 *
 * Not kept: households, members, reviews (household-level), consistency (reads the reviews).
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Query.city',
    'Query.commune',
    'Query.communes',
    'Query.povertyWhatIf',
    'Commune.code',
    'Commune.name',
    'Commune.kind',
    'Commune.householdCount',
    'Commune.povertyFigures',
    'Commune.povertyTrend',
    'Commune.povertyStatus',
    'City.code',
    'City.name',
    'City.communeCount',
    'City.wardCount',
    'City.ruralCommuneCount',
    'City.householdCount',
    'City.povertyFigures',
    'City.povertyTrend',
    'City.povertyStatus',
    'PovertyFigures.year',
    'PovertyFigures.households',
    'PovertyFigures.reviewedHouseholds',
    'PovertyFigures.poor',
    'PovertyFigures.nearPoor',
    'PovertyFigures.poorRatePercent',
    'PovertyFigures.nearPoorRatePercent',
    'PovertyFigures.newlyPoor',
    'PovertyFigures.escapedPoverty',
    'PovertyFigures.newlyNearPoor',
    'PovertyFigures.escapedNearPoverty',
    'PovertyStatus.asOf',
    'PovertyStatus.poor',
    'PovertyStatus.nearPoor',
    'CityPovertyStatus.asOf',
    'CityPovertyStatus.poor',
    'CityPovertyStatus.nearPoor',
    'CityPovertyStatus.communesWithNoPoor',
    'CityPovertyStatus.communesWithNoPoorOrNearPoor',
    'PovertyWhatIf.year',
    'PovertyWhatIf.standard',
    'PovertyWhatIf.city',
    'PovertyWhatIf.communes',
    'PovertyStandard.code',
    'PovertyStandard.name',
    'PovertyStandard.ruralIncomeLine',
    'PovertyStandard.urbanIncomeLine',
    'WhatIfCounts.reviewedHouseholds',
    'WhatIfCounts.currentPoor',
    'WhatIfCounts.currentNearPoor',
    'WhatIfCounts.poor',
    'WhatIfCounts.nearPoor',
    'CommuneWhatIf.commune',
    'CommuneWhatIf.counts',
  ],
  // Commune resolves through the commune table; City from its key alone (resolveCityReference).
  entities: ['Commune', 'City'],
};
