import { city, label, num, YEARS_2022_2024, type DepartmentDashboard } from '../dashboard-kit.js';

/**
 * The city's published figures the social insurance department answers for, as the dashboard shows them
 * beside the graph's own numbers (web/dashboard/figures.ts gathers every department's, in the
 * order of subgraphs/dashboards.ts). Browser code: no Node, kysely or pg imports.
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
};
