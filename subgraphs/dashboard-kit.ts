/**
 * What a department's dashboard room (subgraphs/<name>/dashboard.ts) exports, and the small
 * helpers its rows share: the city's published figures the department answers for, each beside
 * the graph's own number read from one operation (schema/operations/published-figures.graphql).
 * web/dashboard/figures.ts assembles the rooms from subgraphs/dashboards.ts.
 *
 * Browser code: esbuild bundles this file and the rooms into the dashboard, so nothing here or
 * in a room imports Node, kysely or pg (type-only imports of the operations' types are erased).
 */

import type { PublishedFiguresQuery } from '../schema/operations/types.generated.js';

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

/** A department's dashboard room. */
export interface DepartmentDashboard {
  /** The subgraph's name, as in subgraphs/catalog.ts. */
  name: string;
  /** Its published figures, in the order the dashboard shows them (none yet for a new department). */
  figures: readonly DashboardFigure[];
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
