// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet. scripts/codegen.ts reads them too: the generated types spell
// these enums' arguments and results the SQL way.
import type { Resolvers } from './types.generated.js';

export const enums = {
  HousingCaseKind: { NEW_HOUSE: 'new_house', RENOVATION: 'renovation' },
  HousingCaseStatus: { APPROVED: 'approved', BUILDING: 'building', COMPLETED: 'completed', CANCELLED: 'cancelled' },
  HousingFundingSource: {
    CITY_BUDGET: 'city_budget',
    FUND_FOR_THE_POOR: 'fund_for_the_poor',
    SOCIAL_MOBILISATION: 'social_mobilisation',
    VBSP_HOUSING_LOAN: 'vbsp_housing_loan',
  },
  FundDonorKind: {
    ENTERPRISE: 'enterprise',
    INDIVIDUAL: 'individual',
    ORGANISATION: 'organisation',
    PUBLIC_SERVANTS: 'public_servants',
  },
} as const satisfies Resolvers;
