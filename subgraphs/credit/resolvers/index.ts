import { AuditEvent } from '../../../platform/audit.js';
import { DateScalar, DateTime, Money } from '../../../platform/scalars.js';
import { City } from './City.js';
import { Commune } from './Commune.js';
import { CityConsistency, CommuneConsistency } from './Consistency.js';
import { enums } from './enums.js';
import { CreditFigures } from './figures.js';
import { Household } from './Household.js';
import { Loan, LoanProgramme, LoanRepayment } from './Loan.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import type { Resolvers } from './types.generated.js';

export const resolvers: Resolvers = {
  Money,
  Date: DateScalar,
  DateTime,
  ...enums,
  Query,
  Mutation,
  Household,
  Commune,
  City,
  CreditFigures,
  Loan,
  LoanRepayment,
  LoanProgramme,
  CommuneConsistency,
  CityConsistency,
  AuditEvent,
};
