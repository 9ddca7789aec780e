import type { HousingContext } from '../context.js';
import type { FundContribution as ContributionRow, HousingCase as CaseRow, HousingFundingLine as LineRow } from '../db/tables.js';

export const HousingCase = {
  id: (c: CaseRow) => String(c.id),
  household: (c: CaseRow) => ({ id: String(c.household_id) }),
  commune: (c: CaseRow) => ({ code: c.commune_code }),
  approvalDate: (c: CaseRow) => c.approval_date,
  startDate: (c: CaseRow) => c.start_date,
  completionDate: (c: CaseRow) => c.completion_date,
  cancellationDate: (c: CaseRow) => c.cancellation_date,
  cancellationReason: (c: CaseRow) => c.cancellation_reason,
  fundingLines: (c: CaseRow, _: unknown, ctx: HousingContext) => ctx.loaders.fundingLinesByCase.load(c.id),
  totalFunding: async (c: CaseRow, _: unknown, ctx: HousingContext) =>
    (await ctx.loaders.fundingLinesByCase.load(c.id)).reduce((sum, l) => sum + l.amount, 0),
};

export const HousingFundingLine = {
  id: (l: LineRow) => String(l.id),
  committedOn: (l: LineRow) => l.committed_on,
};

export const FundContribution = {
  id: (c: ContributionRow) => String(c.id),
  donorKind: (c: ContributionRow) => c.donor_kind,
  donorName: (c: ContributionRow) => c.donor_name,
  contributionDate: (c: ContributionRow) => c.contribution_date,
  commune: (c: ContributionRow) => (c.commune_code ? { code: c.commune_code } : null),
};
