import { AuditEvent } from '../../../platform/audit.js';
import { DateScalar, DateTime, Money } from '../../../platform/scalars.js';
import { City } from './City.js';
import { Commune } from './Commune.js';
import { CityConsistency, CommuneConsistency } from './Consistency.js';
import { enums } from './enums.js';
import { Household, HouseholdSocialSupport } from './Household.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { ElectricitySubsidy, EmergencyRelief, HealthInsuranceSupport, SocialAllowance, TuitionSupport, VoluntaryInsuranceSupport } from './records.js';
import type { Resolvers } from './types.generated.js';

export const resolvers: Resolvers = {
  Money,
  Date: DateScalar,
  DateTime,
  ...enums,
  Query,
  Mutation,
  Household,
  HouseholdSocialSupport,
  Commune,
  City,
  HealthInsuranceSupport,
  VoluntaryInsuranceSupport,
  TuitionSupport,
  ElectricitySubsidy,
  SocialAllowance,
  EmergencyRelief,
  CommuneConsistency,
  CityConsistency,
  AuditEvent,
};
