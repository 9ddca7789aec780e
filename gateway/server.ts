import { serveGraphQL } from '../subgraphs/common/http.js';
import { subgraphs } from '../subgraphs/catalog.js';
import { createGatewayServer, subgraphUrlsFromEnv } from './gateway.js';

// The gateway alone, for the production topology: subgraphs run elsewhere and are found at the
// supergraph's routing URLs or at <NAME>_URL.
const server = createGatewayServer({ subgraphUrls: subgraphUrlsFromEnv(subgraphs.map((s) => s.name)) });
await server.start();
const running = await serveGraphQL(server, {
  port: Number(process.env.PORT || 4000),
  host: process.env.HOST || '127.0.0.1',
  title: 'Hanoi poverty-reduction graph: gateway',
  context: async () => ({}),
});
console.log(`gateway ready at ${running.url}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await running.close();
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
