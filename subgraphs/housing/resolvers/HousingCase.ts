import type { FundContributionResolvers, HousingCaseResolvers, HousingFundingLineResolvers } from './types.generated.js';

export const HousingCase: HousingCaseResolvers = {
  id: (c) => String(c.id),
  household: (c) => ({ id: String(c.household_id) }),
  commune: (c) => ({ code: c.commune_code }),
  approvalDate: (c) => c.approval_date,
  startDate: (c) => c.start_date,
  completionDate: (c) => c.completion_date,
  cancellationDate: (c) => c.cancellation_date,
  cancellationReason: (c) => c.cancellation_reason,
  fundingLines: (c, _, ctx) => ctx.loaders.fundingLinesByCase.load(c.id),
  totalFunding: async (c, _, ctx) => (await ctx.loaders.fundingLinesByCase.load(c.id)).reduce((sum, l) => sum + l.amount, 0),
};

export const HousingFundingLine: HousingFundingLineResolvers = {
  id: (l) => String(l.id),
  committedOn: (l) => l.committed_on,
};

export const FundContribution: FundContributionResolvers = {
  id: (c) => String(c.id),
  donorKind: (c) => c.donor_kind,
  donorName: (c) => c.donor_name,
  contributionDate: (c) => c.contribution_date,
  commune: (c) => (c.commune_code ? { code: c.commune_code } : null),
};
