import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphs } from '../subgraphs/catalog.js';
import { startTestStack, type TestStack } from './support/stack.js';

// Operations: /health, /ready and /metrics on every server, and one request id carried from
// the gateway into each subgraph's JSON log.

const logLines: Array<Record<string, any>> = [];
const logDestination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
    done();
  },
});

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ logDestination });
});
afterAll(async () => {
  await stack?.close();
});

const at = (url: string, path: string) => new URL(path, url).toString();

describe('health, readiness and metrics', () => {
  it('every process is alive and ready: databases reachable, migrations current, subgraphs reachable', async () => {
    for (const [name, url] of Object.entries(stack.subgraphUrls)) {
      expect((await fetch(at(url, '/health'))).status, name).toBe(200);
      const ready = await fetch(at(url, '/ready'));
      expect(ready.status, name).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'current' } });
    }
    const gateway = await fetch(at(stack.gatewayUrl, '/ready'));
    expect(gateway.status).toBe(200);
    const body = await gateway.json();
    expect(Object.keys(body.checks).sort()).toEqual(subgraphs.map((s) => s.name).sort());
  });

  it('counts requests per operation and times each subgraph fetch', async () => {
    const r = await stack.query('query MetricsProbe { household(id: "1") { id address loans { id } } }');
    expect(r.errors).toBeUndefined();
    const gatewayMetrics = await (await fetch(at(stack.gatewayUrl, '/metrics'))).text();
    expect(gatewayMetrics).toMatch(/graphql_requests_total\{operation="MetricsProbe",service="gateway"\} 1/);
    expect(gatewayMetrics).toMatch(/gateway_subgraph_fetch_duration_seconds_count\{service="gateway",subgraph="registry"\} [1-9]/);
    expect(gatewayMetrics).toMatch(/gateway_subgraph_fetch_duration_seconds_count\{service="gateway",subgraph="credit"\} [1-9]/);
    const creditMetrics = await (await fetch(at(stack.subgraphUrls.credit!, '/metrics'))).text();
    expect(creditMetrics).toMatch(/graphql_request_duration_seconds_count\{service="credit",operation="MetricsProbe__credit__1"\} 1/);
  });

  it("gives each request its own id, carried from the gateway into every subgraph it calls, with the caller's id beside it", async () => {
    const callerRequestId = `test-${Date.now()}`;
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': callerRequestId, authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ query: 'query Traced { household(id: "2") { id housingSupport { id } employment { placements { id } } } }' }),
    });
    // The server's own id, never the caller's (which could collide with, or forge, another's).
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await response.json();
    const lines = logLines.filter((l) => l.requestId === requestId);
    expect([...new Set(lines.map((l) => l.service))].sort()).toEqual(['employment', 'gateway', 'housing', 'registry']);
    expect(lines.every((l) => l.callerRequestId === callerRequestId)).toBe(true);
  });
});

describe('answers', () => {
  it('writes a large answer (in parts, json-answer.ts) whole: its Content-Length its bytes, its JSON the same as a small page of it', async () => {
    const query = `query Large($first: Int!) { households(first: $first) { edges { node { id address commune { code name } members { id fullName birthYear sex relation } loans { id } } } } }`;
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ query, variables: { first: 100 } }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status, bytes.toString()).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    const text = bytes.toString('utf8');
    // Large enough to be written in parts, with Vietnamese names in it.
    expect(text.length).toBeGreaterThan(32_768);
    expect(text).toMatch(/[ạ-ỹ]/);
    expect(text.endsWith('}\n')).toBe(true);
    const large = JSON.parse(text) as { errors?: unknown; data: { households: { edges: Array<{ node: { id: string } }> } } };
    expect(large.errors).toBeUndefined();
    expect(large.data.households.edges).toHaveLength(100);
    // The first five, asked for alone (a small answer, one string), are the same.
    const small = await stack.query(query, { first: 5 });
    expect(large.data.households.edges.slice(0, 5)).toEqual(small.data.households.edges);
  });
});
