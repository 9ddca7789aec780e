// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet. scripts/codegen.ts reads them too: the generated types spell
// these enums' arguments and results the SQL way.
import type { Resolvers } from './types.generated.js';

export const enums = {
  CommuneKind: { WARD: 'ward', RURAL_COMMUNE: 'rural' },
  Sex: { FEMALE: 'female', MALE: 'male' },
  Relation: {
    HEAD: 'head',
    SPOUSE: 'spouse',
    CHILD: 'child',
    PARENT: 'parent',
    GRANDCHILD: 'grandchild',
    SIBLING: 'sibling',
    OTHER: 'other',
  },
  ReviewKind: { PERIODIC: 'periodic', REGULAR: 'regular' },
  Classification: {
    POOR: 'poor',
    NEAR_POOR: 'near_poor',
    MIDDLE_INCOME: 'middle_income',
    ABOVE_MIDDLE_INCOME: 'above_middle_income',
  },
  Transition: {
    NEWLY_POOR: 'newly_poor',
    ESCAPED_POVERTY: 'escaped_poverty',
    NEWLY_NEAR_POOR: 'newly_near_poor',
    ESCAPED_NEAR_POVERTY: 'escaped_near_poverty',
    UNCHANGED: 'unchanged',
  },
  // The departments as platform/consistency.ts names them (subgraph names).
  Department: {
    REGISTRY: 'registry',
    CREDIT: 'credit',
    HOUSING: 'housing',
    SOCIAL_INSURANCE: 'social_insurance',
    EMPLOYMENT: 'employment',
    LIVELIHOODS: 'livelihoods',
  },
} as const satisfies Resolvers;
