import { Databases } from '../db/index.js';
import { allFigures } from '../tests/figures/index.js';
import { formatTable, runFigureChecks } from '../tests/figures/compare.js';
import { postGraphQL } from '../tests/support/stack.js';
import { startStack } from './stack.js';

// npm run figures: every figure the city published, asked of the graph through the gateway,
// beside the published number. Reads the data already loaded; on a fresh database it first
// generates the city-scale data set. Exits non-zero when a figure does not match.
// The table is the output; per-request logs would drown it.
process.env.LOG_LEVEL ??= 'warn';
const databases = new Databases();
let failed = false;
try {
  const stack = await startStack({ databases, ports: 'random', gatewayPort: 0, data: 'city', log: (m) => console.log(m) });
  try {
    const results = await runFigureChecks(allFigures, (q) => postGraphQL(stack.gatewayUrl, q));
    console.log(formatTable(results));
    const matched = results.filter((r) => r.match).length;
    console.log(`\n${matched} of ${results.length} published figures matched`);
    failed = matched !== results.length;
  } finally {
    await stack.stop();
  }
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
} finally {
  await databases.close();
}
process.exit(failed ? 1 : 0);
