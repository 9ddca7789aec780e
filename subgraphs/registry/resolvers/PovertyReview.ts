import { required } from '../../../platform/batch.js';
import type { PovertyIndicatorResolvers, PovertyReviewResolvers, PovertyStandardResolvers } from './types.generated.js';

export const PovertyReview: PovertyReviewResolvers = {
  id: (r) => String(r.id),
  household: async (r, _, ctx) => required(await ctx.loaders.householdById.load(r.household_id), `household ${r.household_id}`),
  commune: async (r, _, ctx) => required(await ctx.loaders.communeByCode.load(r.commune_code), `commune ${r.commune_code}`),
  reviewDate: (r) => r.review_date,
  incomePerPersonMonthly: (r) => r.income_per_person_monthly,
  standard: async (r, _, ctx) => required(await ctx.loaders.standardByCode.load(r.standard_code), `poverty standard ${r.standard_code}`),
  indicators: async (r, _, ctx) => {
    const indicators = await ctx.loaders.indicatorsByStandard.load(r.standard_code);
    const deprived = new Set(r.deprivations);
    return indicators.map((indicator) => ({ indicator, deprived: deprived.has(indicator.code) }));
  },
  deprivationCount: (r) => r.deprivation_count,
};

export const PovertyStandard: PovertyStandardResolvers = {
  legalBasis: (s) => s.legal_basis,
  validFrom: (s) => s.valid_from,
  validTo: (s) => s.valid_to,
  firstReviewYear: (s) => s.first_review_year,
  lastReviewYear: (s) => s.last_review_year,
  ruralIncomeLine: (s) => s.rural_income_line,
  urbanIncomeLine: (s) => s.urban_income_line,
  ruralMiddleIncomeLine: (s) => s.rural_middle_income_line,
  urbanMiddleIncomeLine: (s) => s.urban_middle_income_line,
  poorMinDeprivations: (s) => s.poor_min_deprivations,
  indicators: (s, _, ctx) => ctx.loaders.indicatorsByStandard.load(s.code),
};

export const PovertyIndicator: PovertyIndicatorResolvers = {
  code: (i) => i.code,
};
