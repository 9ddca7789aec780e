import { Databases } from '../../db/index.js';
import { allFigures } from './index.js';
import { formatTable, runFigureChecks } from './compare.js';
import { postGraphQL } from '../support/stack.js';
import { startStack, type Stack } from '../../scripts/stack.js';

async function mintAnalystToken(stack: Stack): Promise<string> {
  try {
    return await stack.auth.mint({ sub: 'local-figures', roles: ['analyst'] }, { expiresInSeconds: 3600 });
  } catch {
    throw new Error('the coverage figure needs records:read: set FIGURES_TOKEN to an analyst token from the identity provider the graph trusts');
  }
}

// npm run figures: every figure the city published, asked of the graph through the gateway,
// beside the published number. Reads the data already loaded; on a fresh database it first
// generates the city-scale data set. Exits non-zero when a figure does not match.
// The table is the output; per-request logs would drown it.
// Most figures are public aggregates, but the health-insurance coverage check reads household
// lists, which need records:read. FIGURES_TOKEN (any token the graph accepts, e.g. from the
// deployment's provider) is used when set; otherwise an analyst token is minted here with the
// same key the graph verifies with (the local secret or AUTH_SECRET), so a fresh clone passes.
process.env.LOG_LEVEL ??= 'warn';
const databases = new Databases();
let failed = false;
try {
  const stack = await startStack({ databases, ports: 'random', gatewayPort: 0, data: 'city', log: (m) => console.log(m) });
  try {
    const token = process.env.FIGURES_TOKEN || (await mintAnalystToken(stack));
    const results = await runFigureChecks(allFigures, (q) => postGraphQL(stack.gatewayUrl, q, undefined, token));
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
