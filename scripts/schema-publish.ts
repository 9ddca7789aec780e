import fs from 'node:fs';
import { parseAcknowledgements } from '../schema/check.js';
import { ACKNOWLEDGED_FILE, defaultRoutingUrl } from '../schema/compose.js';
import { loadOperations } from '../platform/operations.js';
import { publishSubgraph } from '../schema/publish.js';
import { supergraphFileFromEnv } from '../gateway/gateway.js';
import { subgraphs } from '../subgraphs/catalog.js';

// npm run schema:publish -- <subgraph>: checks that subgraph's schema against the published
// supergraph (SUPERGRAPH_FILE, else schema/supergraph.graphql), composes, and writes the new
// supergraph, which running gateways take up without a restart (see schema/publish.ts).
const name = process.argv[2];
if (!name) {
  console.error(`usage: npm run schema:publish -- <subgraph>   (one of ${subgraphs.map((s) => s.name).join(', ')})`);
  process.exit(2);
}
try {
  const result = publishSubgraph({
    subgraph: name,
    subgraphs: subgraphs.map((s) => ({ name: s.name, url: defaultRoutingUrl(s.defaultPort), sdl: fs.readFileSync(s.schemaFile, 'utf8') })),
    target: supergraphFileFromEnv(),
    operations: loadOperations(),
    acknowledged: fs.existsSync(ACKNOWLEDGED_FILE) ? parseAcknowledgements(fs.readFileSync(ACKNOWLEDGED_FILE, 'utf8')) : [],
  });
  console.log(result.report);
  process.exit(result.outcome === 'refused' ? 1 : 0);
} catch (error) {
  console.error(`schema publish could not run: ${(error as Error).message}`);
  process.exit(1);
}
