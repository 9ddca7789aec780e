import type { FigureCheck } from '../../../tests/figures/types.js';

const housing = (from: string, to: string, field: string) => `{ city { housingFigures(from: "${from}", to: "${to}") { ${field} } } }`;
const fund = (field: string) => `{ city { fundForThePoor(from: "2021-01-01", to: "2024-12-31") { ${field} } } }`;

export const figures: FigureCheck[] = [
  {
    key: 'housing.houses_completed_2024',
    period: '2024-01-01 to 2024-12-31',
    published: 714,
    compare: 'exact',
    query: housing('2024-01-01', '2024-12-31', 'housesCompleted'),
    extract: (d) => d.city.housingFigures.housesCompleted,
  },
  {
    key: 'housing.houses_supported_2022_2024',
    period: '2022-01-01 to 2024-12-31',
    published: 3520,
    compare: 'exact',
    query: housing('2022-01-01', '2024-12-31', 'housesSupported'),
    extract: (d) => d.city.housingFigures.housesSupported,
  },
  {
    key: 'housing.fund_for_the_poor_mobilised_2021_2024_vnd',
    period: '2021-01-01 to 2024-12-31',
    published: 153000000000,
    compare: 'atLeast',
    query: fund('amountMobilised'),
    // Money travels as a decimal string.
    extract: (d) => Number(d.city.fundForThePoor.amountMobilised),
  },
  {
    key: 'housing.fund_for_the_poor_houses_built_or_renovated_2021_2024',
    period: '2021-01-01 to 2024-12-31',
    published: 1800,
    compare: 'atLeast',
    query: fund('housesFunded'),
    extract: (d) => d.city.fundForThePoor.housesFunded,
  },
];
