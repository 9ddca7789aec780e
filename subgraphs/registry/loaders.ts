import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Commune, Household, HouseholdMember, PovertyIndicator, PovertyReview, PovertyStandard, RegistryDatabase } from './db/tables.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { cityScope, communeOfKey, type KeptRequest } from '../../platform/kept.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

/** Poverty figures of one area and year, before GraphQL naming. */
export interface Figures {
  year: number;
  households: number | null;
  counts: Omit<repo.PovertyCounts, 'commune_code'>;
}

const EMPTY_COUNTS: Figures['counts'] = {
  reviewed: 0,
  periodic: 0,
  poor: 0,
  near_poor: 0,
  newly_poor: 0,
  escaped_poverty: 0,
  newly_near_poor: 0,
  escaped_near_poverty: 0,
};

/**
 * One set of loaders per request: each batched lookup is one SQL statement per tick. The figure
 * loaders' answers are kept between requests while their communes' versions hold (platform/kept.ts).
 */
export function createLoaders(db: Kysely<RegistryDatabase>, kept: KeptRequest) {
  const householdCount = kept.loader<string, number | null>('householdCount', communeOfKey, async (keys) => {
    const parsed = keys.map((k) => {
      const [code, year] = k.split('|');
      return { code: code!, year: Number(year) };
    });
    const rows = await repo.householdCounts(db, parsed);
    return byKey(keys, rows, (r) => `${r.code}|${r.year}`).map((r) => r?.households ?? null);
  });

  const cityHouseholdCount = kept.loader<number, number | null>('cityHouseholdCount', cityScope, async (years) => {
    const rows = await repo.cityHouseholdCounts(db, years);
    return byKey(years, rows, (r) => r.year).map((r) => (r?.households == null ? null : Number(r.households)));
  });

  // Counts for every commune of a year come from one statement; the loader caches them per year.
  const communeCountsByYear = kept.loader<number, Map<string, repo.PovertyCounts>>('communeCountsByYear', cityScope, async (years) =>
    Promise.all(
      years.map(async (year) => new Map((await repo.povertyCounts(db, year, true)).map((r) => [r.commune_code!, r]))),
    ),
  );

  return {
    /** Per date: each commune's poor and near-poor counts (one statement per distinct date). */
    povertyStatusByDate: kept.loader<string, Map<string, { poor: number; near_poor: number }>>('povertyStatusByDate', cityScope, async (dates) =>
      Promise.all(dates.map(async (d) => new Map((await repo.povertyStatusCounts(db, d)).map((r) => [r.commune_code, r])))),
    ),
    communeByCode: new DataLoader<string, Commune | undefined>(async (codes) =>
      byKey(codes, await repo.findCommunes(db, { codes }), (c) => c.code),
    ),
    householdById: new DataLoader<number, Household | undefined>(async (ids) =>
      byKey(ids, await repo.findHouseholdsByIds(db, ids), (h) => h.id),
    ),
    membersByHousehold: new DataLoader<number, HouseholdMember[]>(async (ids) =>
      groupBy(ids, await repo.findMembersByHouseholdIds(db, ids), (m) => m.household_id),
    ),
    memberById: new DataLoader<number, HouseholdMember | undefined>(async (ids) =>
      byKey(ids, await repo.findMembersByIds(db, ids), (m) => m.id),
    ),
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
    /** Key "code|year". */
    communeFigures: new DataLoader<string, Figures>(async (keys) => {
      const parsed = keys.map((k) => {
        const [code, year] = k.split('|');
        return { code: code!, year: Number(year) };
      });
      const [counts, denominators] = await Promise.all([
        communeCountsByYear.loadMany([...new Set(parsed.map((p) => p.year))]),
        householdCount.loadMany(keys),
      ]);
      const byYear = new Map<number, Map<string, repo.PovertyCounts>>();
      [...new Set(parsed.map((p) => p.year))].forEach((year, i) => {
        const c = counts[i];
        if (c instanceof Error) throw c;
        byYear.set(year, c!);
      });
      return parsed.map(({ code, year }, i) => {
        const denominator = denominators[i];
        if (denominator instanceof Error) throw denominator;
        const row = byYear.get(year)?.get(code);
        return { year, households: denominator ?? null, counts: row ? strip(row) : EMPTY_COUNTS };
      });
    }),
    cityFigures: kept.loader<number, Figures>('cityFigures', cityScope, async (years) =>
      Promise.all(
        years.map(async (year) => {
          const [rows, households] = await Promise.all([repo.povertyCounts(db, year, false), cityHouseholdCount.load(year)]);
          return { year, households, counts: rows[0] ? strip(rows[0]) : EMPTY_COUNTS };
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
 * only from kept figures, entity keys and arguments. The communes (the commune table moves their versions), their household counts and poverty
 * figures (kept loaders above).
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Query.communes',
    'Commune.code',
    'Commune.name',
    'Commune.kind',
    'Commune.householdCount',
    'Commune.povertyFigures',
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
  ],
  entities: ['Commune'],
};
