import type { GraphQLResult } from './api.js';

/**
 * A part of the dashboard: it loads its answer once, and renders it as often as needed (again
 * when the language changes, from the same answer, without asking the graph again).
 */
export interface Section<T = any> {
  id: string;
  /** Its name in the navigation: a key of web/locales. */
  navKey: string;
  load(): Promise<GraphQLResult<T>>;
  render(target: HTMLElement, answer: GraphQLResult<T>): void;
}
