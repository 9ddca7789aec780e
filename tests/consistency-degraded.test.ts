import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../platform/http.js';
import { gatewayBehindProxy, type FaultProxy } from './support/fault-proxy.js';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.js';

// The consistency checks with a department down: the findings need every department's, so the
// answer is null with an error naming the department, never a list silently short of its
// findings. A second gateway reaches credit through a fault proxy (as tests/resilience does).

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
const QUERY = `query($code: ID!) { commune(code: $code) { code consistency(year: 2024) { totalCount } } city { consistency(year: 2024) { totalCount } } }`;

let stack: TestStack;
let proxy: FaultProxy;
let gateway: RunningServer;
let behind: Awaited<ReturnType<typeof gatewayBehindProxy>> | undefined;

beforeAll(async () => {
  stack = await startTestStack({ logDestination: quiet });
  behind = await gatewayBehindProxy(stack, 'credit', {
    logDestination: quiet,
    // Generous timeouts: a department that is down fails at once (connection refused), and a
    // loaded machine must not time out the healthy ones.
    resilience: { subgraphTimeoutMs: 20_000, requestDeadlineMs: 30_000, circuitFailures: 3, circuitCooldownMs: 1000 },
  });
  ({ proxy, gateway } = behind);
});

afterAll(async () => {
  await behind?.close();
  await stack?.close();
});

describe('consistency checks with a department down', () => {
  it('answer null with errors naming credit, the commune itself still there', async () => {
    const admin = await stack.token({ roles: ['administrator'] });
    const healthy = await postGraphQL(gateway.url, QUERY, { code: '08974' }, admin);
    expect(healthy.errors, JSON.stringify(healthy.errors)).toBeUndefined();
    expect(healthy.data.city.consistency.totalCount).toBeGreaterThan(0);
    await proxy.down();
    const r = await postGraphQL(gateway.url, QUERY, { code: '08974' }, admin);
    expect(r.data.commune.code).toBe('08974');
    expect(r.data.commune.consistency).toBeNull();
    expect(r.data.city.consistency).toBeNull();
    const errors = r.errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'credit' });
      expect(e.path?.[1]).toBe('consistency');
    }
  }, 60_000);
});
