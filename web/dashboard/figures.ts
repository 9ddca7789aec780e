/**
 * The city's published figures (tests/figures/published-figures.json) beside the graph's own
 * numbers, read from one operation (schema/operations/published-figures.graphql) by the same
 * fields and periods as the figure checks in tests/figures/*.ts; a browser test keeps
 * `published` equal to the JSON and the shown values equal to what those checks get from the
 * graph. Each department's rows live in its own folder (subgraphs/<name>/dashboard.ts, listed in
 * subgraphs/dashboards.ts, whose figureRooms give this table's order); this file puts them together. No DOM and no words here (the test
 * imports this file): each figure names its text by a key of web/locales/*.json, and its period
 * as data, formatted for the chosen language.
 */

import type { DashboardFigure } from '../../subgraphs/dashboard-kit.js';
import { figureRooms } from '../../subgraphs/dashboards.js';

export type { DashboardFigure, FigurePeriod } from '../../subgraphs/dashboard-kit.js';

/** Every department's rows (subgraphs/<name>/dashboard.ts), department by department. */
export const FIGURES: DashboardFigure[] = figureRooms.flatMap((d) => d.figures);
