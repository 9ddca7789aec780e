import { parseArgs } from 'node:util';
import { generateCityData } from '../db/generate/run.js';
import { Databases } from '../db/index.js';
import { prepareSchema } from '../platform/subgraph.js';
import { subgraphs } from '../subgraphs/catalog.js';

// npm run generate [-- --scale 0.01 --seed 2025]: replaces every subgraph's data with the
// city-scale data set (scale 1 is the whole city). Same seed and scale, same data. Works on the
// embedded database (.data/) or on DATABASE_URL.
const { values } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '2025' } },
});
const started = Date.now();
const log = (m: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`);
const databases = new Databases();
let failed = false;
try {
  for (const pkg of subgraphs) await prepareSchema(databases.kysely(pkg.name), pkg, log);
  // The load prints its own steps with the seconds since it began.
  await generateCityData(databases, subgraphs, { scale: Number(values.scale), seed: Number(values.seed), log: (m) => console.log(m) });
  log('done');
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await databases.close();
}
process.exit(failed ? 1 : 0);
