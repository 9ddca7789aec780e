import { sumMoney } from '../../../platform/scalars.js';
import { DONOR_KINDS, FUNDING_SOURCES, type HousingFundingSource } from '../db/tables.js';
import type { Period, PeriodFigures } from '../loaders.js';
import type { ContributionTotals, HousingCounts } from '../repository.js';

type Counts = Omit<HousingCounts, 'commune_code'>;

const NO_COUNTS: Counts = {
  houses_completed: 0,
  new_houses_completed: 0,
  renovations_completed: 0,
  houses_completed_with_fund: 0,
  cases_approved: 0,
  cases_cancelled: 0,
};

export { checkPeriod } from '../../../platform/period.js';

/** HousingFigures as GraphQL shows them: the one mapping place from counts to fields. */
export function toHousingFigures(period: Period, counts: Counts | undefined, funding: ReadonlyMap<HousingFundingSource, number> | undefined) {
  const c = counts ?? NO_COUNTS;
  const fundingBySource = FUNDING_SOURCES.map((source) => ({ source, amount: funding?.get(source) ?? 0 }));
  return {
    from: period.from,
    to: period.to,
    housesCompleted: c.houses_completed,
    newHousesCompleted: c.new_houses_completed,
    renovationsCompleted: c.renovations_completed,
    housesCompletedWithFund: c.houses_completed_with_fund,
    casesApproved: c.cases_approved,
    casesCancelled: c.cases_cancelled,
    housesSupported: c.cases_approved - c.cases_cancelled,
    fundingBySource,
    totalFunding: sumMoney(fundingBySource.map((f) => f.amount)),
  };
}

/** The city's counts and funding: the sum over every commune's rows of the period. */
export function cityTotals(figures: PeriodFigures): { counts: Counts; funding: Map<HousingFundingSource, number> } {
  const counts = { ...NO_COUNTS };
  for (const row of figures.counts.values()) {
    for (const key of Object.keys(counts) as Array<keyof Counts>) counts[key] += row[key];
  }
  const funding = new Map<HousingFundingSource, number>();
  for (const bySource of figures.funding.values()) {
    for (const [source, amount] of bySource) funding.set(source, sumMoney([funding.get(source) ?? 0, amount]) as number);
  }
  return { counts, funding };
}

/** FundForThePoorFigures from the period's contributions and the city's housing totals. */
export function toFundFigures(period: Period, contributions: readonly ContributionTotals[], city: ReturnType<typeof cityTotals>) {
  const byKind = new Map(contributions.map((c) => [c.donor_kind, c]));
  const byDonorKind = DONOR_KINDS.map((donorKind) => ({
    donorKind,
    contributions: byKind.get(donorKind)?.contributions ?? 0,
    amount: byKind.get(donorKind)?.amount ?? 0,
  }));
  return {
    from: period.from,
    to: period.to,
    amountMobilised: sumMoney(byDonorKind.map((k) => k.amount)),
    contributions: byDonorKind.reduce((sum, k) => sum + k.contributions, 0),
    byDonorKind,
    housesFunded: city.counts.houses_completed_with_fund,
    amountCommittedToHousing: city.funding.get('fund_for_the_poor') ?? 0,
  };
}
