import { city, difference, label, num, SINCE_JULY_2025, trendOf, type DashboardFigure, type DepartmentDashboard } from '../dashboard-kit.js';

/** The review year's alias in the operation (review2022 …). */
const review = (year: 2022 | 2023 | 2024) => `review${year}` as const;

/**
 * The registry department's share of the dashboard: the city's published figures it answers
 * for, beside the graph's own numbers; its key figures in the city overview; its columns of the
 * commune table; its rows of a commune's figures per year. web/dashboard gathers every
 * department's, in the order of subgraphs/dashboards.ts. Browser code: no Node, kysely or pg imports.
 */
export const dashboard: DepartmentDashboard = {
  name: 'registry',
  figures: [
    {
      key: 'registry.communes_after_july_2025',
      label: label('communes'),
      period: SINCE_JULY_2025,
      published: 126,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.communeCount),
    },
    { key: 'registry.wards', label: label('wards'), period: SINCE_JULY_2025, published: 51, sign: '=', unit: 'count', value: (d) => num(city(d)?.wardCount) },
    {
      key: 'registry.rural_communes',
      label: label('ruralCommunes'),
      period: SINCE_JULY_2025,
      published: 75,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.ruralCommuneCount),
    },
    {
      key: 'registry.communes_with_no_poor_and_no_near_poor_households_after_july_2025',
      label: label('communesWithNoPoorOrNearPoor'),
      period: { kind: 'on', date: '2025-09-30' },
      published: 43,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.september2025?.communesWithNoPoorOrNearPoor),
    },
    {
      key: 'registry.poor_households_start_of_2022',
      label: label('poorStart2022'),
      period: { kind: 'on', date: '2022-01-01' },
      published: 3600,
      sign: '≥',
      unit: 'count',
      value: (d) => num(city(d)?.start2022?.poor),
    },
    ...([2022, 2023, 2024] as const).flatMap((year): DashboardFigure[] => [
      {
        key: `registry.poor_households_by_review_year.${year}`,
        label: label('poorReview', { year }),
        period: { kind: 'review', year },
        published: { 2022: 2134, 2023: 690, 2024: 0 }[year as 2022],
        sign: '=',
        unit: 'count',
        value: (d) => num(city(d)?.[review(year)]?.poor),
      },
      {
        key: `registry.poor_household_rate_by_review_year_percent.${year}`,
        label: label('poorRateReview', { year }),
        period: { kind: 'review', year },
        published: { 2022: 0.095, 2023: 0.03, 2024: 0 }[year as 2022],
        sign: '≈',
        unit: 'percent',
        value: (d) => num(city(d)?.[review(year)]?.poorRatePercent),
      },
    ]),
    {
      key: 'registry.near_poor_households_end_of_2024',
      label: label('nearPoorEnd2024'),
      period: { kind: 'review', year: 2024 },
      published: 9928,
      sign: '=',
      unit: 'count',
      value: (d) => num(city(d)?.review2024?.nearPoor),
    },
    {
      key: 'registry.near_poor_household_rate_end_of_2024_percent',
      label: label('nearPoorRateEnd2024'),
      period: { kind: 'review', year: 2024 },
      published: 0.43,
      sign: '≈',
      unit: 'percent',
      value: (d) => num(city(d)?.review2024?.nearPoorRatePercent),
    },
    {
      key: 'registry.near_poor_households_reduced_between_review_2024_and_september_2025',
      label: label('nearPoorReduced'),
      period: { kind: 'between', from: '2024-12-31', to: '2025-09-30' },
      published: 103,
      sign: '=',
      unit: 'count',
      value: (d) => difference(city(d)?.end2024?.nearPoor, city(d)?.september2025?.nearPoor),
    },
  ],
  overview: [
    { key: 'communes', unit: 'count', value: (c) => c.communeCount },
    { key: 'households', params: { year: 'year' }, unit: 'count', value: (c) => c.householdCount },
  ],
  communeColumns: [
    { key: 'households', unit: 'count', value: (r) => r.householdCount },
    { key: 'poor', unit: 'count', value: (r) => r.povertyFigures?.poor },
    { key: 'nearPoor', unit: 'count', value: (r) => r.povertyFigures?.nearPoor },
    { key: 'nearPoorRate', unit: 'percent', value: (r) => r.povertyFigures?.nearPoorRatePercent },
  ],
  communeYears: [
    { key: 'households', unit: 'count', value: (c, y) => trendOf(c, y)?.households },
    { key: 'poor', unit: 'count', value: (c, y) => trendOf(c, y)?.poor },
    { key: 'nearPoor', unit: 'count', value: (c, y) => trendOf(c, y)?.nearPoor },
    { key: 'nearPoorRate', unit: 'percent', value: (c, y) => trendOf(c, y)?.nearPoorRatePercent },
    { key: 'escapedPoverty', unit: 'count', value: (c, y) => trendOf(c, y)?.escapedPoverty },
  ],
};
