import type { GraphQLResult } from './api.js';

/**
 * A part of the dashboard: it loads its answer once, and renders it as often as needed (again
 * when the language changes, from the same answer, without asking the graph again). T is its
 * operation's answer (schema/operations/types.generated.ts); the page keeps every section in one
 * list as `Section<unknown>`, and gives each back the answer its own load() returned.
 */
export interface Section<T> {
  id: string;
  /** Its name in the navigation: a key of web/locales. */
  navKey: string;
  load(): Promise<GraphQLResult<T>>;
  // A method, so that a Section<CityOverviewQuery> is also a Section<unknown> (the answer it is
  // rendered with is always the one its load() returned).
  render(target: HTMLElement, answer: GraphQLResult<T>): void;
}
