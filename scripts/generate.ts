import { parseArgs } from 'node:util';
import { Databases } from '../db/index.js';
import { buildCityPlan } from '../db/generate/plan.js';
import { subgraphs } from '../subgraphs/catalog.js';
import { prepareSubgraph } from './stack.js';

// npm run generate [-- --scale 0.01 --seed 2025]: replaces every subgraph's data with the
// city-scale data set (scale 1 is the whole city). Same seed and scale, same data. Works on the
// embedded database (.data/) or on DATABASE_URL.
const { values } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '2025' } },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (m: string) => console.log(`[${elapsed()}] ${m}`);
const databases = new Databases();
let failed = false;
try {
  const plan = buildCityPlan(scale, seed);
  log(`plan: scale ${scale}, seed ${seed}, ${plan.householdCount} households, ${plan.memberTotal} members`);
  for (const pkg of subgraphs) {
    const db = await prepareSubgraph(databases, pkg, false, () => {});
    if (!pkg.generateCity) {
      log(`${pkg.name}: no city-scale generator yet; its data is left as it was`);
      continue;
    }
    await db.transaction().execute((trx) => pkg.generateCity!(trx, plan, log));
    log(`${pkg.name}: done`);
  }
  log('generated');
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await databases.close();
}
process.exit(failed ? 1 : 0);
