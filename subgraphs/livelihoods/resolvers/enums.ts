// GraphQL enum values (UPPER_CASE) mapped to the snake_case stored in SQL: the one place
// where the two spellings meet.
export const enums = {
  LivelihoodActivity: {
    AGRICULTURAL_PRODUCTION: 'agricultural_production',
    SMALL_SCALE_HANDICRAFT: 'small_scale_handicraft',
    TRADE_AND_SERVICES: 'trade_and_services',
  },
  LivelihoodHighTechModelKind: { CROPS: 'crops', LIVESTOCK: 'livestock', AQUACULTURE: 'aquaculture', COMBINED: 'combined' },
};
