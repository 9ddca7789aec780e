// The parent each GraphQL type's resolvers receive, read by scripts/codegen.ts (see there).
import type { Loan, LoanProgramme, LoanRepayment } from '../db/tables.js';
import type { toCreditFigures } from './figures.js';

export type LoanParent = Loan;
export type LoanRepaymentParent = LoanRepayment;
export type LoanProgrammeParent = LoanProgramme;
/** The figures with the area they are of (`borrowingHouseholdsUnder` reads its own statement for it). */
export type CreditFiguresParent = ReturnType<typeof toCreditFigures>;
