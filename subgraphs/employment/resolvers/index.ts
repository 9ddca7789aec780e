import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { AuditEvent } from '../../../platform/audit.js';
import { DateScalar, DateTime, Money } from '../../../platform/scalars.js';
import type { EmploymentContext } from '../context.js';
import { City } from './City.js';
import { Commune } from './Commune.js';
import { CityConsistency, CommuneConsistency } from './Consistency.js';
import { enums } from './enums.js';
import { Household, HouseholdEmployment } from './Household.js';
import { JobFair } from './JobFair.js';
import { JobPlacement } from './JobPlacement.js';
import { LabourStatistics } from './LabourStatistics.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { TrainingEnrolment } from './TrainingEnrolment.js';
import { EmploymentFigures } from './withheld.js';

export const resolvers = {
  Money,
  Date: DateScalar,
  DateTime,
  ...enums,
  Query,
  Mutation,
  Household,
  HouseholdEmployment,
  Commune,
  City,
  JobPlacement,
  JobFair,
  TrainingEnrolment,
  LabourStatistics,
  EmploymentFigures,
  CommuneConsistency,
  CityConsistency,
  AuditEvent,
} as unknown as GraphQLResolverMap<EmploymentContext>;
