// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet. scripts/codegen.ts reads them too: the generated types spell
// these enums' arguments and results the SQL way.
import type { Resolvers } from './types.generated.js';

export const enums = {
  JobPlacementChannel: {
    JOB_FAIR: 'job_fair',
    EMPLOYMENT_SERVICE_CENTRE: 'employment_service_centre',
    BUDGET_FUNDED_SUPPORT: 'budget_funded_support',
    LOAN_CREATED_JOB: 'loan_created_job',
  },
  JobPlacementContract: { DOMESTIC: 'domestic', OVERSEAS: 'overseas' },
  VocationalTrainingLevel: {
    UNDER_3_MONTHS: 'under_3_months',
    ELEMENTARY: 'elementary',
    INTERMEDIATE: 'intermediate',
    COLLEGE: 'college',
  },
  LabourStatisticsBasis: { REPORTED: 'reported', ESTIMATE: 'estimate' },
} as const satisfies Resolvers;
