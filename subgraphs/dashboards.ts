import type { DepartmentDashboard } from './dashboard-kit.js';
import { dashboard as credit } from './credit/dashboard.js';
import { dashboard as employment } from './employment/dashboard.js';
import { dashboard as housing } from './housing/dashboard.js';
import { dashboard as livelihoods } from './livelihoods/dashboard.js';
import { dashboard as registry } from './registry/dashboard.js';
import { dashboard as socialInsurance } from './social_insurance/dashboard.js';

/**
 * Every department's dashboard room (subgraphs/<name>/dashboard.ts), in the order the dashboard
 * shows their key figures, commune-table columns and rows per year (the catalog's order);
 * tests/unit/house-shape.test.ts checks that it names every subgraph of the catalog. Browser
 * code (web/dashboard imports it): the catalog itself, which loads the servers, is not imported here.
 */
export const dashboards: DepartmentDashboard[] = [registry, credit, housing, socialInsurance, employment, livelihoods];

/**
 * The published-figures table alone puts social insurance's figures before housing's (the order
 * it has always had); every other department's follow in the order above.
 */
const FIGURES_FIRST = [registry, credit, socialInsurance, housing];

/** The rooms in the order of the published-figures table. */
export const figureRooms: DepartmentDashboard[] = [...FIGURES_FIRST, ...dashboards.filter((room) => !FIGURES_FIRST.includes(room))];
