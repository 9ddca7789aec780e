// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet. scripts/codegen.ts reads them too: the generated types spell
// these enums' arguments and results the SQL way.
import type { Resolvers } from './types.generated.js';

export const enums = {
  HealthInsuranceSupportGroup: {
    POOR: 'poor',
    NEAR_POOR: 'near_poor',
    MIDDLE_INCOME_AGRICULTURE: 'middle_income_agriculture',
  },
  TuitionSupportKind: {
    TUITION_EXEMPTION: 'tuition_exemption',
    TUITION_REDUCTION: 'tuition_reduction',
    STUDY_COST: 'study_cost',
  },
  SocialAllowanceCategory: {
    ELDERLY: 'elderly',
    DISABILITY: 'disability',
    ORPHAN: 'orphan',
    SINGLE_PARENT_POOR: 'single_parent_poor',
    OTHER: 'other',
  },
  EmergencyEventKind: {
    NATURAL_DISASTER: 'natural_disaster',
    FIRE: 'fire',
    OTHER_INCIDENT: 'other_incident',
  },
} as const satisfies Resolvers;
