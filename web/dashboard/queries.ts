import cityOverview from '../../schema/operations/city-overview.graphql';
import communeConsistency from '../../schema/operations/commune-consistency.graphql';
import communeHouseholdRecords from '../../schema/operations/commune-household-records.graphql';
import communeHouseholds from '../../schema/operations/commune-households.graphql';
import communeScorecard from '../../schema/operations/commune-scorecard.graphql';
import communeYears from '../../schema/operations/commune-years.graphql';
import publishedFigures from '../../schema/operations/published-figures.graphql';
import whatIf from '../../schema/operations/what-if.graphql';
import type {
  CityOverviewQuery,
  CityOverviewQueryVariables,
  CommuneConsistencyQuery,
  CommuneConsistencyQueryVariables,
  CommuneHouseholdRecordsQuery,
  CommuneHouseholdRecordsQueryVariables,
  CommuneHouseholdsQuery,
  CommuneHouseholdsQueryVariables,
  CommuneScorecardQuery,
  CommuneScorecardQueryVariables,
  CommuneYearsQuery,
  CommuneYearsQueryVariables,
  PublishedFiguresQuery,
  PublishedFiguresQueryVariables,
  WhatIfQuery,
  WhatIfQueryVariables,
} from '../../schema/operations/types.generated.js';
import { exampleVariables, type TypedOperation } from './api.js';

/**
 * Every request the dashboard makes, each a file in schema/operations/ sent as it is: the
 * gateway accepts only those registered operations from callers without a token, and
 * `npm run schema:check` validates them against the supergraph. Each is typed by the types
 * `npm run codegen` generates from its file (the example variables are trusted to fit them:
 * tests/operations.test.ts runs every file with its example variables).
 */
export type DashboardQuery = TypedOperation<unknown, object>;

const operation = <Data, Variables extends object>(document: string): TypedOperation<Data, Variables> => ({
  query: document,
  variables: exampleVariables(document) as Variables,
});

/** City overview (city-overview.graphql, with the file's example period). */
export const OVERVIEW = /* @__PURE__ */ operation<CityOverviewQuery, CityOverviewQueryVariables>(cityOverview);
/** The commune table (commune-scorecard.graphql). */
export const SCORECARD = /* @__PURE__ */ operation<CommuneScorecardQuery, CommuneScorecardQueryVariables>(communeScorecard);
/** The what-if view (what-if.graphql). */
export const WHAT_IF = /* @__PURE__ */ operation<WhatIfQuery, WhatIfQueryVariables>(whatIf);
/** The published figures beside the graph's (published-figures.graphql, read by figures.ts). */
export const PUBLISHED = /* @__PURE__ */ operation<PublishedFiguresQuery, PublishedFiguresQueryVariables>(publishedFigures);
/** A commune's figures per year (commune-years.graphql; variables: its code). */
export const COMMUNE_YEARS = /* @__PURE__ */ operation<CommuneYearsQuery, CommuneYearsQueryVariables>(communeYears);
/** A commune's households with names and addresses, for those who may read personal data. */
export const COMMUNE_HOUSEHOLDS = /* @__PURE__ */ operation<CommuneHouseholdsQuery, CommuneHouseholdsQueryVariables>(communeHouseholds);
/** The same list without the personal fields, for roles that read records but not personal data. */
export const COMMUNE_HOUSEHOLD_RECORDS = /* @__PURE__ */ operation<CommuneHouseholdRecordsQuery, CommuneHouseholdRecordsQueryVariables>(
  communeHouseholdRecords,
);

/** A commune's consistency findings, a page at a time (commune-consistency.graphql). */
export const COMMUNE_CONSISTENCY = /* @__PURE__ */ operation<CommuneConsistencyQuery, CommuneConsistencyQueryVariables>(communeConsistency);

/** Every request of the first load, which prefetch.ts sends before the page's code has loaded. */
export const ON_LOAD: DashboardQuery[] = [OVERVIEW, PUBLISHED, SCORECARD, WHAT_IF];
