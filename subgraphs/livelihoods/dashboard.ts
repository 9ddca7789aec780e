import { city, label, num, type DepartmentDashboard } from '../dashboard-kit.js';

/**
 * The livelihoods department's share of the dashboard: the city's published figures it answers
 * for, beside the graph's own numbers; its key figures in the city overview; its columns of the
 * commune table; its rows of a commune's figures per year. web/dashboard gathers every
 * department's, in the order of subgraphs/dashboards.ts. Browser code: no Node, kysely or pg imports.
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
  overview: [{ key: 'livelihoods', unit: 'count', value: (c) => c.livelihoodFigures?.householdsSupported }],
  communeColumns: [{ key: 'livelihoods', unit: 'count', value: (r) => r.livelihoodFigures?.householdsSupported }],
  communeYears: [{ key: 'livelihoods', unit: 'count', value: (c, y) => c[`livelihoods${y}`]?.householdsSupported }],
};
