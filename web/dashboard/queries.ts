import cityOverview from '../../schema/operations/city-overview.graphql';
import communeConsistency from '../../schema/operations/commune-consistency.graphql';
import communeHouseholdRecords from '../../schema/operations/commune-household-records.graphql';
import communeHouseholds from '../../schema/operations/commune-households.graphql';
import communeScorecard from '../../schema/operations/commune-scorecard.graphql';
import communeYears from '../../schema/operations/commune-years.graphql';
import publishedFigures from '../../schema/operations/published-figures.graphql';
import whatIf from '../../schema/operations/what-if.graphql';
import { exampleVariables } from './api.js';

/**
 * Every request the dashboard makes, each a file in schema/operations/ sent as it is: the
 * gateway accepts only those registered operations from callers without a token, and
 * `npm run schema:check` validates them against the supergraph.
 */
export interface DashboardQuery {
  query: string;
  variables: Record<string, unknown>;
}

const operation = (document: string): DashboardQuery => ({ query: document, variables: exampleVariables(document) });

/** City overview (city-overview.graphql, with the file's example period). */
export const OVERVIEW = /* @__PURE__ */ operation(cityOverview);
/** The commune table (commune-scorecard.graphql). */
export const SCORECARD = /* @__PURE__ */ operation(communeScorecard);
/** The what-if view (what-if.graphql). */
export const WHAT_IF = /* @__PURE__ */ operation(whatIf);
/** The published figures beside the graph's (published-figures.graphql, read by figures.ts). */
export const PUBLISHED = /* @__PURE__ */ operation(publishedFigures);
/** A commune's figures per year (commune-years.graphql; variables: its code). */
export const COMMUNE_YEARS = /* @__PURE__ */ operation(communeYears);
/** A commune's households with names and addresses, for those who may read personal data. */
export const COMMUNE_HOUSEHOLDS = /* @__PURE__ */ operation(communeHouseholds);
/** The same list without the personal fields, for roles that read records but not personal data. */
export const COMMUNE_HOUSEHOLD_RECORDS = /* @__PURE__ */ operation(communeHouseholdRecords);

/** A commune's consistency findings, a page at a time (commune-consistency.graphql). */
export const COMMUNE_CONSISTENCY = /* @__PURE__ */ operation(communeConsistency);

/** Every request of the first load, which prefetch.ts sends before the page's code has loaded. */
export const ON_LOAD: DashboardQuery[] = [OVERVIEW, PUBLISHED, SCORECARD, WHAT_IF];
