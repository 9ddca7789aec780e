import type { FigureCheck } from '../../../tests/figures/types.js';

const yearly = (year: number) => `{ city { povertyFigures(year: ${year}) { poor poorRatePercent nearPoor nearPoorRatePercent } } }`;

export const figures: FigureCheck[] = [
  {
    key: 'registry.communes_after_july_2025',
    period: 'since 1 July 2025',
    published: 126,
    compare: 'exact',
    query: '{ city { communeCount } }',
    extract: (d) => d.city.communeCount,
  },
  { key: 'registry.wards', period: 'since 1 July 2025', published: 51, compare: 'exact', query: '{ city { wardCount } }', extract: (d) => d.city.wardCount },
  {
    key: 'registry.rural_communes',
    period: 'since 1 July 2025',
    published: 75,
    compare: 'exact',
    query: '{ city { ruralCommuneCount } }',
    extract: (d) => d.city.ruralCommuneCount,
  },
  {
    key: 'registry.communes_with_no_poor_and_no_near_poor_households_after_july_2025',
    period: 'on 30 September 2025',
    published: 43,
    compare: 'exact',
    query: '{ city { povertyStatus(asOf: "2025-09-30") { communesWithNoPoorOrNearPoor } } }',
    extract: (d) => d.city.povertyStatus.communesWithNoPoorOrNearPoor,
  },
  {
    key: 'registry.poor_households_start_of_2022',
    period: 'on 1 January 2022 (the 2021 review)',
    published: 3600,
    compare: 'atLeast',
    query: '{ city { povertyStatus(asOf: "2021-12-31") { poor } } }',
    extract: (d) => d.city.povertyStatus.poor,
  },
  ...[2022, 2023, 2024].flatMap((year): FigureCheck[] => [
    {
      key: `registry.poor_households_by_review_year.${year}`,
      period: `review ${year}`,
      published: { 2022: 2134, 2023: 690, 2024: 0 }[year]!,
      compare: 'exact',
      query: yearly(year),
      extract: (d) => d.city.povertyFigures.poor,
    },
    {
      key: `registry.poor_household_rate_by_review_year_percent.${year}`,
      period: `review ${year}`,
      published: { 2022: 0.095, 2023: 0.03, 2024: 0 }[year]!,
      compare: 'approx',
      // The precision the city published: 0.095 (3 decimals), 0.03 (2), 0.
      approxFloor: { 2022: 3, 2023: 2, 2024: 0 }[year]!,
      query: yearly(year),
      extract: (d) => d.city.povertyFigures.poorRatePercent,
    },
  ]),
  {
    key: 'registry.near_poor_households_end_of_2024',
    period: 'review 2024',
    published: 9928,
    compare: 'exact',
    query: yearly(2024),
    extract: (d) => d.city.povertyFigures.nearPoor,
  },
  {
    key: 'registry.near_poor_household_rate_end_of_2024_percent',
    period: 'review 2024',
    published: 0.43,
    compare: 'approx',
    approxFloor: 2,
    query: yearly(2024),
    extract: (d) => d.city.povertyFigures.nearPoorRatePercent,
  },
  {
    key: 'registry.near_poor_households_reduced_between_review_2024_and_september_2025',
    period: '31 December 2024 to 30 September 2025',
    published: 103,
    compare: 'exact',
    query: '{ city { before: povertyStatus(asOf: "2024-12-31") { nearPoor } after: povertyStatus(asOf: "2025-09-30") { nearPoor } } }',
    extract: (d) => d.city.before.nearPoor - d.city.after.nearPoor,
  },
];
