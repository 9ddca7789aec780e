import { city, label, num, YEAR_2024, YEARS_2021_2024, YEARS_2022_2024, type DepartmentDashboard } from '../dashboard-kit.js';

/**
 * The housing department's share of the dashboard: the city's published figures it answers
 * for, beside the graph's own numbers; its key figures in the city overview; its columns of the
 * commune table; its rows of a commune's figures per year. web/dashboard gathers every
 * department's, in the order of subgraphs/dashboards.ts. Browser code: no Node, kysely or pg imports.
 */
export const dashboard: DepartmentDashboard = {
  name: 'housing',
  figures: [
    {
      key: 'housing.houses_completed_2024',
      label: label('housesCompleted'),
      period: YEAR_2024,
      published: 714,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.housing2024?.housesCompleted),
    },
    {
      key: 'housing.houses_supported_2022_2024',
      label: label('housesSupported'),
      period: YEARS_2022_2024,
      published: 3520,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.housing2022to2024?.housesSupported),
    },
    {
      key: 'housing.fund_for_the_poor_mobilised_2021_2024_vnd',
      label: label('fundMobilised'),
      period: YEARS_2021_2024,
      published: 153_000_000_000,
      sign: '≥',
      unit: 'vnd',
      value: (d) => num(city(d)?.fundForThePoor?.amountMobilised),
    },
    {
      key: 'housing.fund_for_the_poor_houses_built_or_renovated_2021_2024',
      label: label('fundHouses'),
      period: YEARS_2021_2024,
      published: 1800,
      sign: '≥',
      unit: 'count',
      value: (d) => num(city(d)?.fundForThePoor?.housesFunded),
    },
  ],
  overview: [{ key: 'houses', unit: 'count', value: (c) => c.housingFigures?.housesCompleted }],
  communeColumns: [{ key: 'housesCompleted', unit: 'count', value: (r) => r.housingFigures?.housesCompleted }],
  communeYears: [
    { key: 'housesSupported', unit: 'count', value: (c, y) => c[`housing${y}`]?.housesSupported },
    { key: 'housesCompleted', unit: 'count', value: (c, y) => c[`housing${y}`]?.housesCompleted },
  ],
};
