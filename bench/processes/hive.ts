import fs from 'node:fs';
import http from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

// Hive Gateway over the same committed supergraph and the same subgraph processes as ours:
// the routing URLs are pointed at the subgraphs the benchmark started (the supergraph is
// otherwise byte for byte the committed one). Nothing leaves the machine: no Hive Console or
// GraphOS reporting is configured, the supergraph is a local string (no CDN polling), and the
// landing page and GraphiQL are off. `authorization` goes on to every subgraph, as our gateway
// forwards it. Otherwise Hive's defaults, as a team adopting it would run it.

const supergraphPath = process.env.BENCH_SUPERGRAPH_PATH;
const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS || '{}') as Record<string, string>;
const port = Number(process.env.PORT);
if (!supergraphPath || !port) {
  console.error('hive.ts runs as a child of bench/run.ts (BENCH_SUPERGRAPH_PATH, BENCH_SUBGRAPH_URLS, PORT)');
  process.exit(2);
}

export function pointAt(supergraphSdl: string, subgraphUrls: Record<string, string>): string {
  return supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g, (whole, name: string) => {
    const url = subgraphUrls[name];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : whole;
  });
}

const supergraph = pointAt(fs.readFileSync(supergraphPath, 'utf8'), urls);
const gateway = createGatewayRuntime({
  supergraph,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },
  // BENCH_HIVE_NO_DEDUP=1 turns off its upstream in-flight deduplication (on by default), to see
  // what that one feature is worth.
  ...(process.env.BENCH_HIVE_NO_DEDUP === '1' ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } } : {}),
});
// The gateway answers every request itself (errors included); Node does not use the promise.
// eslint-disable-next-line @typescript-eslint/no-misused-promises
const server = http.createServer(gateway);
server.listen(port, '127.0.0.1', () => console.log(`hive gateway ready at http://127.0.0.1:${port}/graphql`));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close();
  await gateway.dispose();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
