import type { RegistryContext } from '../context.js';
import type { PovertyIndicator as IndicatorRow, PovertyReview as ReviewRow, PovertyStandard as StandardRow } from '../db/tables.js';

export const PovertyReview = {
  id: (r: ReviewRow) => String(r.id),
  household: (r: ReviewRow, _: unknown, ctx: RegistryContext) => ctx.loaders.householdById.load(r.household_id),
  commune: (r: ReviewRow, _: unknown, ctx: RegistryContext) => ctx.loaders.communeByCode.load(r.commune_code),
  reviewDate: (r: ReviewRow) => r.review_date,
  incomePerPersonMonthly: (r: ReviewRow) => r.income_per_person_monthly,
  standard: (r: ReviewRow, _: unknown, ctx: RegistryContext) => ctx.loaders.standardByCode.load(r.standard_code),
  indicators: async (r: ReviewRow, _: unknown, ctx: RegistryContext) => {
    const indicators = await ctx.loaders.indicatorsByStandard.load(r.standard_code);
    const deprived = new Set(r.deprivations);
    return indicators.map((indicator) => ({ indicator, deprived: deprived.has(indicator.code) }));
  },
  deprivationCount: (r: ReviewRow) => r.deprivation_count,
};

export const PovertyStandard = {
  legalBasis: (s: StandardRow) => s.legal_basis,
  validFrom: (s: StandardRow) => s.valid_from,
  validTo: (s: StandardRow) => s.valid_to,
  firstReviewYear: (s: StandardRow) => s.first_review_year,
  lastReviewYear: (s: StandardRow) => s.last_review_year,
  ruralIncomeLine: (s: StandardRow) => s.rural_income_line,
  urbanIncomeLine: (s: StandardRow) => s.urban_income_line,
  ruralMiddleIncomeLine: (s: StandardRow) => s.rural_middle_income_line,
  urbanMiddleIncomeLine: (s: StandardRow) => s.urban_middle_income_line,
  poorMinDeprivations: (s: StandardRow) => s.poor_min_deprivations,
  indicators: (s: StandardRow, _: unknown, ctx: RegistryContext) => ctx.loaders.indicatorsByStandard.load(s.code),
};

export const PovertyIndicator = {
  code: (i: IndicatorRow) => i.code,
};
