import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { HousingCase, HousingDatabase, HousingFundingLine, HousingFundingSource } from './db/tables.js';
import * as repo from './repository.js';
import { byKey, groupBy } from '../../platform/batch.js';
import { periodKey, type Period } from '../../platform/period.js';
import { cityScope, type KeptRequest } from '../../platform/kept.js';
import type { KeptResponseRules } from '../../platform/kept-responses.js';

/** A period, both dates inclusive: the key of every figure loader. */
export type { Period };

/** Every commune's housing figures of one period, from a constant number of statements. */
export interface PeriodFigures {
  counts: Map<string, repo.HousingCounts>;
  funding: Map<string, Map<HousingFundingSource, number>>;
}

/**
 * One set of loaders per request: each batched lookup is one SQL statement per tick. The figure
 * loaders' answers (every commune's at once, so kept under the city's version) are kept between
 * requests while no figure has changed (platform/kept.ts).
 */
export function createLoaders(db: Kysely<HousingDatabase>, kept: KeptRequest) {
  return {
    caseById: new DataLoader<number, HousingCase | undefined>(async (ids) => byKey(ids, await repo.findCasesByIds(db, ids), (c) => c.id)),
    casesByHousehold: new DataLoader<number, HousingCase[]>(async (ids) => groupBy(ids, await repo.findCasesByHouseholdIds(db, ids), (c) => c.household_id)),
    fundingLinesByCase: new DataLoader<number, HousingFundingLine[]>(async (ids) =>
      groupBy(ids, await repo.findFundingLinesByCaseIds(db, ids), (l) => l.case_id),
    ),
    /**
     * Every commune's figures of a period: two GROUP BY commune statements per distinct period,
     * however many communes ask (the city's figures are the sum of the same rows, so the two
     * always agree).
     */
    periodFigures: kept.loader<Period, PeriodFigures>(
      'periodFigures',
      cityScope,
      async (periods) =>
        Promise.all(
          periods.map(async ({ from, to }) => {
            const [counts, funding] = await Promise.all([repo.housingCountsByCommune(db, from, to), repo.fundingByCommuneAndSource(db, from, to)]);
            const bySource = new Map<string, Map<HousingFundingSource, number>>();
            for (const row of funding) {
              let m = bySource.get(row.commune_code);
              if (!m) bySource.set(row.commune_code, (m = new Map<HousingFundingSource, number>()));
              m.set(row.source, row.amount);
            }
            return { counts: new Map(counts.map((r) => [r.commune_code, r])), funding: bySource };
          }),
        ),
      { cacheKeyFn: periodKey },
    ),
    /** The Fund for the Poor's contributions of a period, per kind of donor. */
    contributionsByPeriod: kept.loader<Period, repo.ContributionTotals[]>(
      'contributionsByPeriod',
      cityScope,
      async (periods) => Promise.all(periods.map(({ from, to }) => repo.contributionsByDonorKind(db, from, to))),
      { cacheKeyFn: periodKey },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * What a whole answer may be kept for (platform/kept-responses.ts): fields whose values come
 * only from tables that move the versions (the migration 2026_12_04_2010_keep_housing_figures),
 * entity keys and arguments. Each reads:
 *
 * - housing figures of a commune or the city (Commune/City.housingFigures, with fundingBySource):
 *   housing_case and housing_funding_line, for the period given (required arguments);
 * - the Fund for the Poor (City.fundForThePoor): fund_contribution of the period, and the city's
 *   housing figures above (houses funded, money committed).
 *
 * Not kept: cases, funding lines and contributions (household-level or personal records).
 */
export const keptResponseRules: KeptResponseRules = {
  fields: [
    'Commune.code',
    'Commune.housingFigures',
    'City.code',
    'City.housingFigures',
    'City.fundForThePoor',
    'HousingFigures.from',
    'HousingFigures.to',
    'HousingFigures.housesCompleted',
    'HousingFigures.newHousesCompleted',
    'HousingFigures.renovationsCompleted',
    'HousingFigures.housesCompletedWithFund',
    'HousingFigures.casesApproved',
    'HousingFigures.casesCancelled',
    'HousingFigures.housesSupported',
    'HousingFigures.fundingBySource',
    'HousingFigures.totalFunding',
    'HousingFundingBySource.source',
    'HousingFundingBySource.amount',
    'FundForThePoorFigures.from',
    'FundForThePoorFigures.to',
    'FundForThePoorFigures.amountMobilised',
    'FundForThePoorFigures.contributions',
    'FundForThePoorFigures.byDonorKind',
    'FundForThePoorFigures.housesFunded',
    'FundForThePoorFigures.amountCommittedToHousing',
    'FundContributionsByDonorKind.donorKind',
    'FundContributionsByDonorKind.contributions',
    'FundContributionsByDonorKind.amount',
  ],
  // Both resolve from their key alone.
  entities: ['Commune', 'City'],
};
