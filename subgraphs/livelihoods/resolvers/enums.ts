// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet. scripts/codegen.ts reads them too: the generated types spell
// these enums' arguments and results the SQL way.
import type { Resolvers } from './types.generated.js';

export const enums = {
  LivelihoodActivity: {
    AGRICULTURAL_PRODUCTION: 'agricultural_production',
    SMALL_SCALE_HANDICRAFT: 'small_scale_handicraft',
    TRADE_AND_SERVICES: 'trade_and_services',
  },
  LivelihoodHighTechModelKind: { CROPS: 'crops', LIVESTOCK: 'livestock', AQUACULTURE: 'aquaculture', COMBINED: 'combined' },
} as const satisfies Resolvers;
