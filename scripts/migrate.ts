import { Databases } from '../db/index.js';
import { prepareSchema } from '../platform/subgraph.js';
import { subgraphs } from '../subgraphs/catalog.js';

// npm run db:migrate [-- name ...]: brings each subgraph's schema up to date, logging each step.
// Exits non-zero on failure and always closes the connections.
const names = process.argv.slice(2);
const selected = names.length ? subgraphs.filter((s) => names.includes(s.name)) : subgraphs;
const databases = new Databases();
let failed = false;
try {
  for (const pkg of selected) {
    console.log(`${pkg.name}: ${databases.describe(pkg.name)}`);
    await prepareSchema(databases.kysely(pkg.name), pkg, (m) => console.log(m));
    console.log(`${pkg.name}: up to date`);
  }
} catch (error) {
  failed = true;
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await databases.close();
}
process.exit(failed ? 1 : 0);
