import type { DepartmentBench } from './bench-kit.js';
import { bench as credit } from './credit/bench.js';
import { bench as employment } from './employment/bench.js';
import { bench as housing } from './housing/bench.js';
import { bench as livelihoods } from './livelihoods/bench.js';
import { bench as registry } from './registry/bench.js';
import { bench as socialInsurance } from './social_insurance/bench.js';

/**
 * Every department's bench room (subgraphs/<name>/bench.ts): its share of the dashboard's figure
 * answers as fields and as floor SQL. bench/floor.ts and bench/scorecard.ts read this list, in
 * this order (the catalog's); tests/unit/house-shape.test.ts checks that it names every subgraph
 * of the catalog.
 */
export const benches: DepartmentBench[] = [registry, credit, housing, socialInsurance, employment, livelihoods];
