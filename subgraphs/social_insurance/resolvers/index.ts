import type { ResolverMap } from '../../../platform/subgraph.js';
import { AuditEvent } from '../../../platform/audit.js';
import { DateScalar, DateTime, Money } from '../../../platform/scalars.js';
import type { SocialInsuranceContext } from '../context.js';
import { City } from './City.js';
import { Commune } from './Commune.js';
import { CityConsistency, CommuneConsistency } from './Consistency.js';
import { enums } from './enums.js';
import { Household, HouseholdSocialSupport } from './Household.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import {
  ElectricitySubsidy,
  EmergencyRelief,
  HealthInsuranceSupport,
  SocialAllowance,
  TuitionSupport,
  VoluntaryInsuranceSupport,
} from './records.js';

export const resolvers = {
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
} as unknown as ResolverMap<SocialInsuranceContext>;
