import fs from 'node:fs';
import { checkSchema, formatReport, parseAcknowledgements } from '../schema/check.js';
import { ACKNOWLEDGED_FILE, defaultRoutingUrl, readCommittedSupergraph } from '../schema/compose.js';
import { loadOperations } from '../platform/operations.js';
import { subgraphs } from '../subgraphs/catalog.js';

// npm run schema:check: composes the working tree's subgraph SDL and checks it against the
// committed supergraph (what clients run against today) and the dashboards' operations,
// offline. Exits non-zero on a composition error, an operation that no longer validates, or a
// breaking change not acknowledged in schema/acknowledged-breaking-changes.json.

let failed = true;
try {
  const result = checkSchema({
    subgraphs: subgraphs.map((s) => ({ name: s.name, url: defaultRoutingUrl(s.defaultPort), sdl: fs.readFileSync(s.schemaFile, 'utf8') })),
    committedSupergraph: readCommittedSupergraph(),
    operations: loadOperations(),
    acknowledged: fs.existsSync(ACKNOWLEDGED_FILE) ? parseAcknowledgements(fs.readFileSync(ACKNOWLEDGED_FILE, 'utf8')) : [],
  });
  console.log(formatReport(result));
  failed = !result.ok;
} catch (error) {
  console.error(`schema check could not run: ${error instanceof Error ? error.message : String(error)}`);
}
process.exit(failed ? 1 : 0);
