import type { FigureCheck } from '../../../tests/figures/types.js';

// The livelihoods figures the city published. The lists in published-figures.json (activity
// kinds, in-kind examples, model kinds, named areas) are not numbers; the model count below
// checks the kinds (all four must be present) and the other lists are matched by the schema's
// enums and the generator's catalogue.

const PROJECT =
  '{ livelihoodProject(code: "LIVELIHOOD_DIVERSIFICATION") { budget startDate endDate totals { households participations supportValue remainingBudget } } }';

export const figures: FigureCheck[] = [
  {
    key: 'livelihoods.livelihood_diversification_project_budget_vnd',
    period: 'the project period (2022-01-01 to 2025-12-31)',
    published: 49_400_000_000,
    compare: 'atLeast', // published as "more than"
    query: PROJECT,
    extract: (d) => Number(d.livelihoodProject.budget),
  },
  {
    key: 'livelihoods.livelihood_diversification_households',
    period: 'the project period (2022-01-01 to 2025-12-31)',
    published: 510,
    compare: 'atLeast',
    query: PROJECT,
    // Households taking part, provided their support stays within the budget.
    extract: (d) => (Number(d.livelihoodProject.totals.remainingBudget) >= 0 ? d.livelihoodProject.totals.households : 0),
  },
  {
    key: 'livelihoods.high_tech_agriculture_models',
    period: '2021-01-01 to 2025-12-31',
    published: 200,
    compare: 'atLeast',
    query: '{ city { livelihoodFigures(from: "2021-01-01", to: "2025-12-31") { highTechModels { count byKind { kind count } } } } }',
    // Models of the four kinds: 0 when a kind is missing.
    extract: (d) => {
      const models = d.city.livelihoodFigures.highTechModels;
      return models.byKind.every((k: { count: number }) => k.count > 0) ? models.count : 0;
    },
  },
];
