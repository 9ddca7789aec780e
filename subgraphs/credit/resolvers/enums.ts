// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet.
export const enums = {
  LoanEligibility: { POOR: 'poor', NEAR_POOR: 'near_poor', NEWLY_ESCAPED: 'newly_escaped', ANY_REGISTERED: 'any_registered' },
  MassOrganisation: {
    WOMENS_UNION: 'womens_union',
    FARMERS_ASSOCIATION: 'farmers_association',
    VETERANS_ASSOCIATION: 'veterans_association',
    YOUTH_UNION: 'youth_union',
  },
  LoanStatus: { CURRENT: 'current', OVERDUE: 'overdue', REPAID: 'repaid', WRITTEN_OFF: 'written_off' },
};
