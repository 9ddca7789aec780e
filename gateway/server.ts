import fs from 'node:fs';
import { Authenticator, authConfigFromEnv } from '../platform/auth.js';
import { startTracing } from '../platform/tracing.js';
import { routingUrls, serveGateway, subgraphUrlsFromEnv, supergraphFileFromEnv } from './gateway.js';

// The gateway alone, for the production topology: subgraphs run elsewhere and are found at the
// supergraph's routing URLs or at <NAME>_URL.
// Tracing first (only when an OTLP endpoint is configured), so the first request is traced.
const tracing = await startTracing('gateway');
if (tracing) console.log(`tracing: spans to ${tracing.endpoint}`);
const running = await serveGateway({
  subgraphUrls: subgraphUrlsFromEnv(Object.keys(routingUrls(fs.readFileSync(supergraphFileFromEnv(), 'utf8')))),
  port: Number(process.env.PORT || 4000),
  host: process.env.HOST || '127.0.0.1',
  auth: new Authenticator(authConfigFromEnv()),
});
console.log(`gateway ready at ${running.url}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await running.close();
  // Sends the spans still buffered before the process goes.
  await tracing?.shutdown();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
