/**
 * What a department's dashboard room (subgraphs/<name>/dashboard.ts) exports, and the small
 * helpers its rows share: the city's published figures the department answers for, each beside
 * the graph's own number read from one operation (schema/operations/published-figures.graphql),
 * and its share of the other sections: its key figures in the city overview
 * (city-overview.graphql), its columns of the commune table (commune-scorecard.graphql) and its
 * rows of a commune's figures per year (commune-years.graphql). web/dashboard assembles the
 * rooms in the order of subgraphs/dashboards.ts (figures.ts, overview.ts, communes.ts,
 * commune.ts); the words and the number formats stay there, a room names them by key and unit.
 *
 * Browser code: esbuild bundles this file and the rooms into the dashboard, so nothing here or
 * in a room imports Node, kysely or pg (type-only imports of the operations' types are erased).
 */

import type {
  CityOverviewQuery,
  CityOverviewQueryVariables,
  CommuneScorecardQuery,
  CommuneYearsQuery,
  PublishedFiguresQuery,
} from '../schema/operations/types.generated.js';

/** A figure's period: what the published number covers. */
export type FigurePeriod =
  | { kind: 'since' | 'on'; date: string }
  | { kind: 'review' | 'year'; year: number }
  | { kind: 'years' | 'budgetYears'; from: number; to: number }
  | { kind: 'between'; from: string; to: string };

export interface DashboardFigure {
  /** The JSON path in published-figures.json. */
  key: string;
  /** Its name: a key under `figure.` in web/locales, with any placeholders. */
  label: { key: string; params?: Record<string, string | number> };
  period: FigurePeriod;
  /** The published number ("more than 3600" is 3600 with sign ≥). */
  published: number;
  sign: '=' | '≥' | '≤' | '≈';
  unit: 'count' | 'vnd' | 'percent';
  /** The graph's number; null when the query did not give it. */
  value: (data: PublishedFiguresQuery) => number | null;
}

/** How the page shows a number: a count, money in đồng (shown in billions), a percentage. */
export type FigureUnit = DashboardFigure['unit'];
/** A number as an operation gives it (Money is a decimal string); null or absent when not given. */
export type GivenNumber = number | string | null | undefined;

/** The city overview's answer (city-overview.graphql); a room's key figures read it. */
export type CityOverview = NonNullable<CityOverviewQuery['city']>;

/**
 * One key figure of the city overview (a card). Its text is `overview.kpi.<key>` in web/locales,
 * its element's id `kpi-<key in kebab case>`; `params` fills the text's placeholders from the
 * operation's example variables, which the page formats for its language (`asOf` as a date).
 */
export interface OverviewFigure {
  key: string;
  params?: Record<string, keyof CityOverviewQueryVariables>;
  unit: FigureUnit;
  value: (city: CityOverview) => GivenNumber;
}

/** A commune's row of the commune table (commune-scorecard.graphql). */
export type CommuneRow = CommuneScorecardQuery['communes'][number];

/** One column of the commune table: its header is `column.<key>` in web/locales; sorted and exported by value. */
export interface CommuneColumn {
  key: string;
  unit: FigureUnit;
  value: (commune: CommuneRow) => GivenNumber;
}

/** The years commune-years.graphql asks for, each with its aliases (credit2021, …). */
export const COMMUNE_YEARS = [2021, 2022, 2023, 2024, 2025] as const;
export type CommuneYear = (typeof COMMUNE_YEARS)[number];
/** A commune's figures per year (commune-years.graphql). */
export type CommuneYears = NonNullable<CommuneYearsQuery['commune']>;

/** A commune's review figures of one year (commune-years.graphql asks for the whole trend). */
export const trendOf = (commune: CommuneYears, year: CommuneYear) => commune.povertyTrend?.find((y) => y.year === year);

/** One row of a commune's figures per year: its header is `commune.row.<key>` in web/locales. */
export interface CommuneYearRow {
  key: string;
  unit: FigureUnit;
  value: (commune: CommuneYears, year: CommuneYear) => GivenNumber;
}

/** A department's dashboard room: its share of every section, each in the order the page shows it. */
export interface DepartmentDashboard {
  /** The subgraph's name, as in subgraphs/catalog.ts. */
  name: string;
  /** Its published figures (none yet for a new department). */
  figures: readonly DashboardFigure[];
  /** Its key figures in the city overview. */
  overview: readonly OverviewFigure[];
  /** Its columns of the commune table. */
  communeColumns: readonly CommuneColumn[];
  /** Its rows of a commune's figures per year. */
  communeYears: readonly CommuneYearRow[];
}

/** A GraphQL number (Money travels as a decimal string) as a number; null stays null. */
export const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** `a − b`, or null when either is unknown (a withheld count makes the difference unknown, not bigger). */
export function difference(a: unknown, b: unknown): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : Number(a) - Number(b);
}

/** A figure's label: the key under `figure.` in web/locales/*.json, with its placeholders. */
export const label = (key: string, params?: Record<string, string | number>) => ({ key: `figure.${key}`, ...(params ? { params } : {}) });

/** The city's answer in the published-figures operation. */
export const city = (d: PublishedFiguresQuery) => d.city;

/** Periods several departments' figures share. */
export const SINCE_JULY_2025: FigurePeriod = { kind: 'since', date: '2025-07-01' };
export const YEARS_2021_2024: FigurePeriod = { kind: 'years', from: 2021, to: 2024 };
export const YEARS_2022_2024: FigurePeriod = { kind: 'years', from: 2022, to: 2024 };
export const YEAR_2024: FigurePeriod = { kind: 'year', year: 2024 };
