// What each GraphQL type's resolvers receive as parent: scripts/codegen.ts reads every
// `<Type>Parent` below into the generated resolver types (types.generated.ts). A type not listed
// receives the object its SDL describes, which the resolver returning it must build in full.
import type { FundContribution, HousingCase, HousingFundingLine } from '../db/tables.js';

export type HousingCaseParent = HousingCase;
export type HousingFundingLineParent = HousingFundingLine;
export type FundContributionParent = FundContribution;

/** The registry's entities, as references: this subgraph knows them by key only. */
export interface HouseholdParent {
  id: string;
}
export interface CommuneParent {
  code: string;
}
export interface CityParent {
  code: string;
}
