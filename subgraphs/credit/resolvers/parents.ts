// What each GraphQL type's resolvers receive as parent: scripts/codegen.ts reads every
// `<Type>Parent` below into the generated resolver types (types.generated.ts). A type not listed
// receives the object its SDL describes, which the resolver returning it must build in full.
import type { Loan, LoanProgramme, LoanRepayment } from '../db/tables.js';
import type { toCreditFigures } from './figures.js';

export type LoanParent = Loan;
export type LoanRepaymentParent = LoanRepayment;
export type LoanProgrammeParent = LoanProgramme;
/** The figures with the area they are of (`borrowingHouseholdsUnder` reads its own statement for it). */
export type CreditFiguresParent = ReturnType<typeof toCreditFigures>;

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
