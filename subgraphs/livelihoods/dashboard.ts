import { city, label, num, type DepartmentDashboard } from '../dashboard-kit.js';

/**
 * The city's published figures the livelihoods department answers for, as the dashboard shows them
 * beside the graph's own numbers (web/dashboard/figures.ts gathers every department's, in the
 * order of subgraphs/dashboards.ts). Browser code: no Node, kysely or pg imports.
 */
export const dashboard: DepartmentDashboard = {
  name: 'livelihoods',
  figures: [
    {
      key: 'livelihoods.livelihood_diversification_project_budget_vnd',
      label: label('livelihoodBudget'),
      period: { kind: 'years', from: 2022, to: 2025 },
      published: 49_400_000_000,
      sign: '≥',
      unit: 'vnd',
      value: (d) => num(d?.livelihoodProject?.budget),
    },
    {
      key: 'livelihoods.livelihood_diversification_households',
      label: label('livelihoodHouseholds'),
      period: { kind: 'years', from: 2022, to: 2025 },
      published: 510,
      sign: '≥',
      unit: 'count',
      value: (d) => num(d?.livelihoodProject?.totals?.households),
    },
    {
      key: 'livelihoods.high_tech_agriculture_models',
      label: label('highTechModels'),
      period: { kind: 'years', from: 2021, to: 2025 },
      published: 200,
      sign: '≥',
      unit: 'count',
      value: (d) => num(city(d)?.livelihoodFigures?.highTechModels?.count),
    },
  ],
};
