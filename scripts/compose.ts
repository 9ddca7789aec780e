import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeSupergraph, SUPERGRAPH_FILE } from '../schema/compose.js';

// npm run schema:compose: writes schema/supergraph.graphql (committed; a test keeps it current).
try {
  const sdl = composeSupergraph();
  fs.writeFileSync(SUPERGRAPH_FILE, sdl);
  console.log(`wrote ${fileURLToPath(SUPERGRAPH_FILE)} (${sdl.length} bytes)`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
