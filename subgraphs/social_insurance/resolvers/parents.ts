// The parent each GraphQL type's resolvers receive, read by scripts/codegen.ts (see there).
import type { ElectricitySubsidy, EmergencyRelief, HealthInsuranceSupport, SocialAllowance, TuitionSupport, VoluntaryInsuranceSupport } from '../db/tables.js';
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
