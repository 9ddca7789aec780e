// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet. scripts/codegen.ts reads them too: the generated types spell
// these enums' arguments and results the SQL way.
import type { Resolvers } from './types.generated.js';

export const enums = {
  LoanEligibility: { POOR: 'poor', NEAR_POOR: 'near_poor', NEWLY_ESCAPED: 'newly_escaped', ANY_REGISTERED: 'any_registered' },
  MassOrganisation: {
    WOMENS_UNION: 'womens_union',
    FARMERS_ASSOCIATION: 'farmers_association',
    VETERANS_ASSOCIATION: 'veterans_association',
    YOUTH_UNION: 'youth_union',
  },
  LoanStatus: { CURRENT: 'current', OVERDUE: 'overdue', REPAID: 'repaid', WRITTEN_OFF: 'written_off' },
} as const satisfies Resolvers;
