import { DateScalar, DateTime, Money } from '../../../platform/scalars.js';
import { City } from './City.js';
import { AuditEvent } from '../../../platform/audit.js';
import { Commune } from './Commune.js';
import { CityConsistency, CommuneConsistency, ConsistencyFinding, ConsistencyRuleCount } from './Consistency.js';
import { PovertyFigures } from './figures.js';
import { enums } from './enums.js';
import { Household, HouseholdMember } from './Household.js';
import { Mutation } from './Mutation.js';
import { PovertyIndicator, PovertyReview, PovertyStandard } from './PovertyReview.js';
import { Query } from './Query.js';
import type { Resolvers } from './types.generated.js';

export const resolvers: Resolvers = {
  Money,
  Date: DateScalar,
  DateTime,
  ...enums,
  Query,
  Mutation,
  Commune,
  City,
  Household,
  HouseholdMember,
  PovertyReview,
  PovertyStandard,
  PovertyIndicator,
  PovertyFigures,
  CommuneConsistency,
  CityConsistency,
  ConsistencyFinding,
  ConsistencyRuleCount,
  AuditEvent,
};
