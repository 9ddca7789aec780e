// What each GraphQL type's resolvers receive as parent: scripts/codegen.ts reads every
// `<Type>Parent` below into the generated resolver types (types.generated.ts). A type not listed
// receives the object its SDL describes, which the resolver returning it must build in full.
import type {
  ElectricitySubsidy,
  EmergencyRelief,
  HealthInsuranceSupport,
  SocialAllowance,
  TuitionSupport,
  VoluntaryInsuranceSupport,
} from '../db/tables.js';
import type { Figures } from '../loaders.js';

export type HealthInsuranceSupportParent = HealthInsuranceSupport;
export type VoluntaryInsuranceSupportParent = VoluntaryInsuranceSupport;
export type TuitionSupportParent = TuitionSupport;
export type ElectricitySubsidyParent = ElectricitySubsidy;
export type SocialAllowanceParent = SocialAllowance;
export type EmergencyReliefParent = EmergencyRelief;

/** Each kind a function that the default resolver calls only when the query selects it (loaders.ts). */
export type SocialFiguresParent = Figures;

/** What Household.socialSupport resolves to: the registry id, or null when it cannot be one. */
export interface HouseholdSocialSupportParent {
  householdId: number | null;
}

/** The registry's entities, as references: this subgraph knows them by key only. */
export interface HouseholdParent {
  id: string;
}
export interface HouseholdMemberParent {
  id: string;
}
export interface CommuneParent {
  code: string;
}
export interface CityParent {
  code: string;
}
