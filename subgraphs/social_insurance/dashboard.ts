import { city, label, num, YEARS_2022_2024, type DepartmentDashboard } from '../dashboard-kit.js';

/**
 * The social insurance department's share of the dashboard: the city's published figures it answers
 * for, beside the graph's own numbers; its key figures in the city overview; its columns of the
 * commune table; its rows of a commune's figures per year. web/dashboard gathers every
 * department's, in the order of subgraphs/dashboards.ts. Browser code: no Node, kysely or pg imports.
 */
export const dashboard: DepartmentDashboard = {
  name: 'social_insurance',
  figures: [
    {
      key: 'social_insurance.health_insurance_support_2022_2024_people',
      label: label('healthInsurancePeople'),
      period: YEARS_2022_2024,
      published: 179_000,
      sign: '≥',
      unit: 'count',
      value: (d) => num(city(d)?.social?.healthInsurance?.people),
    },
    {
      key: 'social_insurance.health_insurance_support_2022_2024_budget_vnd',
      label: label('healthInsuranceBudget'),
      period: YEARS_2022_2024,
      published: 137_800_000_000,
      sign: '≥',
      unit: 'vnd',
      value: (d) => num(city(d)?.social?.healthInsurance?.budget),
    },
  ],
  overview: [
    { key: 'healthInsurance', unit: 'count', value: (c) => c.socialFigures?.healthInsurance.people },
    { key: 'healthInsuranceBudget', unit: 'vnd', value: (c) => c.socialFigures?.healthInsurance.budget },
  ],
  communeColumns: [{ key: 'healthInsurance', unit: 'count', value: (r) => r.socialFigures?.healthInsurance.people }],
  communeYears: [{ key: 'healthInsurance', unit: 'count', value: (c, y) => c[`social${y}`]?.healthInsurance.people }],
};
