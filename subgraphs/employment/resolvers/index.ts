import { AuditEvent } from '../../../platform/audit.js';
import { DateScalar, DateTime, Money } from '../../../platform/scalars.js';
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
import type { Resolvers } from './types.generated.js';

export const resolvers: Resolvers = {
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
};
