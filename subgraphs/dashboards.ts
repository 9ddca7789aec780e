import type { DepartmentDashboard } from './dashboard-kit.js';
import { dashboard as credit } from './credit/dashboard.js';
import { dashboard as employment } from './employment/dashboard.js';
import { dashboard as housing } from './housing/dashboard.js';
import { dashboard as livelihoods } from './livelihoods/dashboard.js';
import { dashboard as registry } from './registry/dashboard.js';
import { dashboard as socialInsurance } from './social_insurance/dashboard.js';

/**
 * Every department's dashboard room (subgraphs/<name>/dashboard.ts), in the order the dashboard
 * shows their published figures; tests/unit/house-shape.test.ts checks that it names every
 * subgraph of the catalog. Browser code (web/dashboard/figures.ts imports it): the catalog
 * itself, which loads the servers, is not imported here.
 */
export const dashboards: DepartmentDashboard[] = [registry, credit, socialInsurance, housing, employment, livelihoods];
