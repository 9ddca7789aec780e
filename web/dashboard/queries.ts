import cityOverview from '../../schema/operations/city-overview.graphql';
import communeScorecard from '../../schema/operations/commune-scorecard.graphql';
import whatIf from '../../schema/operations/what-if.graphql';
import { exampleVariables } from './api.js';
import { FIGURES_QUERY } from './figures.js';

/** One request the dashboard makes on load: an operation and its variables. */
export interface DashboardQuery {
  query: string;
  variables: Record<string, unknown>;
}

/** City overview (schema/operations/city-overview.graphql, with the file's example period). */
export const OVERVIEW: DashboardQuery = { query: cityOverview, variables: exampleVariables(cityOverview) };
/** The commune table (commune-scorecard.graphql). */
export const SCORECARD: DashboardQuery = { query: communeScorecard, variables: exampleVariables(communeScorecard) };
/** The what-if view (what-if.graphql). */
export const WHAT_IF: DashboardQuery = { query: whatIf, variables: exampleVariables(whatIf) };
/** The published figures beside the graph's (figures.ts). */
export const PUBLISHED: DashboardQuery = { query: FIGURES_QUERY, variables: {} };

/** Every request of the first load, which prefetch.ts sends before the page's code has loaded. */
export const ON_LOAD: DashboardQuery[] = [OVERVIEW, PUBLISHED, SCORECARD, WHAT_IF];
