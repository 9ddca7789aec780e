import { Writable } from 'node:stream';
import { Databases } from '../db/index.js';
import { serveGateway } from '../gateway/gateway.js';
import { resilienceFromEnv } from '../gateway/subgraph-source.js';
import { Authenticator } from '../platform/auth.js';
import { startStack } from '../scripts/stack.js';
import { FaultProxy } from '../tests/support/fault-proxy.js';
import { testAuthConfig } from '../tests/support/stack.js';

// npm run bench:faults [-- --seconds 20 --clients 10]: what callers see while one department is
// healthy, stopped (hung, as by SIGSTOP) and killed (connections refused), with the gateway's
// default timeouts, deadline and circuit breaker. Each client has its own analyst token and
// asks a commune's figures from every department; the numbers printed are the latency of the
// whole request (p50, p99, max), how many answers had the other departments' figures, and
// whether any request ran past the deadline. Embedded database, demo data set.

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 15);
const CLIENTS = arg('clients', 10);
const quiet = new Writable({ write: (_c, _e, done) => done() });
const QUERY = `query($code: ID!) { commune(code: $code) { code
  povertyFigures(year: 2024) { reviewedHouseholds }
  creditFigures(from: "2022-01-01", to: "2024-12-31") { loans }
  housingFigures(from: "2022-01-01", to: "2024-12-31") { housesCompleted }
  socialFigures(from: "2022-01-01", to: "2024-12-31") { healthInsurance { people } }
  employmentFigures(year: 2024) { placements }
  livelihoodFigures(from: "2022-01-01", to: "2024-12-31") { householdsSupported } } }`;
const CODES = ['00070', '00004', '09784', '10369', '08974', '09706'];

const databases = new Databases({ inMemory: true });
const auth = testAuthConfig();
const stack = await startStack({ databases, ports: 'random', gatewayPort: 0, data: 'demo', auth, logDestination: quiet });
const proxy = await FaultProxy.start(stack.subgraphUrls.credit!);
const resilience = resilienceFromEnv();
const gateway = await serveGateway({
  subgraphUrls: { ...stack.subgraphUrls, credit: proxy.url },
  port: 0,
  host: '127.0.0.1',
  auth: new Authenticator(auth),
  logDestination: quiet,
  signIn: null,
  resilience,
});
const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => stack.auth.mint({ sub: `bench-analyst-${i}`, roles: ['analyst'] })));

async function phase(name: string): Promise<void> {
  const latencies: number[] = [];
  // Requests started once the first wave (those in flight when the department stopped, each
  // waiting up to the subgraph timeout while the circuit opens) is over.
  const settled: number[] = [];
  const phaseStarted = performance.now();
  let othersAnswered = 0;
  let creditAnswered = 0;
  let failed = 0;
  const codes = new Map<string, number>();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    tokens.map(async (token, c) => {
      for (let i = 0; Date.now() < until; i++) {
        const started = performance.now();
        try {
          const response = await fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: QUERY, variables: { code: CODES[(c + i) % CODES.length] } }),
          });
          const body = (await response.json()) as { data?: { commune?: Record<string, unknown> | null }; errors?: Array<{ extensions?: { code?: string } }> };
          const commune = body.data?.commune;
          if (commune?.housingFigures && commune.socialFigures && commune.employmentFigures && commune.livelihoodFigures && commune.povertyFigures)
            othersAnswered++;
          if (commune?.creditFigures) creditAnswered++;
          for (const e of body.errors ?? []) codes.set(e.extensions?.code ?? '?', (codes.get(e.extensions?.code ?? '?') ?? 0) + 1);
        } catch {
          failed++;
        }
        latencies.push(performance.now() - started);
        if (started - phaseStarted >= resilience.subgraphTimeoutMs + 1000) settled.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  settled.sort((a, b) => a - b);
  const q = (p: number, list = latencies) => (list.length ? list[Math.min(list.length - 1, Math.floor(p * list.length))]!.toFixed(0) : '-');
  const pastDeadline = latencies.filter((ms) => ms > resilience.requestDeadlineMs).length;
  console.log(
    `${name.padEnd(28)} ${String(latencies.length).padStart(6)} requests  p50 ${q(0.5).padStart(5)} ms  p99 ${q(0.99).padStart(5)} ms  max ${latencies[latencies.length - 1]!.toFixed(0).padStart(5)} ms  ` +
      `after the first ${(resilience.subgraphTimeoutMs + 1000) / 1000} s: p99 ${q(0.99, settled)} ms over ${settled.length}  ` +
      `others answered ${othersAnswered}/${latencies.length}  credit answered ${creditAnswered}  failed ${failed}  past deadline ${pastDeadline}  errors ${JSON.stringify(Object.fromEntries(codes))}`,
  );
}

console.log(
  `bench:faults: ${CLIENTS} clients (own tokens), ${SECONDS} s a phase; SUBGRAPH_TIMEOUT_MS ${resilience.subgraphTimeoutMs}, REQUEST_DEADLINE_MS ${resilience.requestDeadlineMs}, circuit ${resilience.circuitFailures} failures / ${resilience.circuitCooldownMs} ms`,
);
await phase('healthy');
proxy.set('hang');
await phase('credit stopped (hung)');
await proxy.down();
await phase('credit killed (refused)');
await proxy.up();
await new Promise((r) => setTimeout(r, resilience.circuitCooldownMs + 200));
await phase('credit back');
await gateway.close();
await proxy.close();
await stack.stop();
await databases.close();
