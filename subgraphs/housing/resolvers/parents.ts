// The parent each GraphQL type's resolvers receive, read by scripts/codegen.ts (see there).
import type { FundContribution, HousingCase, HousingFundingLine } from '../db/tables.js';

export type HousingCaseParent = HousingCase;
export type HousingFundingLineParent = HousingFundingLine;
export type FundContributionParent = FundContribution;
