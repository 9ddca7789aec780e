import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeTracer, startTracing, tracesEndpoint, type Tracing } from '../platform/tracing.js';
import { startTestStack, type TestStack } from './support/stack.js';

// Tracing: off without an OTLP endpoint; with one, a request through the gateway is one trace
// across the gateway and the subgraphs it called, sent over OTLP/HTTP (JSON) to a receiver on
// 127.0.0.1.

describe('without an OTLP endpoint', () => {
  it('starts nothing', async () => {
    expect(tracesEndpoint({})).toBeUndefined();
    expect(await startTracing('gateway', {})).toBeUndefined();
    expect(activeTracer('gateway')).toBeUndefined();
    // The OpenTelemetry API stays on its no-op default: spans record nothing.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });

  it('reads the endpoint the way OTLP exporters do', () => {
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/traces' })).toBe(
      'http://other:4318/traces',
    );
  });
});

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** A minimal OTLP/HTTP receiver: records every span POSTed to /v1/traces (JSON encoding). */
function otlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.statusCode = 404;
        res.end();
        return;
      }
      contentTypes.push(String(req.headers['content-type']));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue;
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            const attributes: Record<string, unknown> = {};
            for (const a of s.attributes ?? []) attributes[a.key] = Object.values(a.value ?? {})[0];
            spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, attributes });
          }
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  return { server, spans, contentTypes };
}

const SERVER = 2;
const CLIENT = 3;

describe('with an OTLP endpoint', () => {
  const receiver = otlpReceiver();
  let tracing: Tracing | undefined;
  let stack: TestStack;

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    // As `npm start` does: one process, the gateway's provider global (tracing.ts).
    tracing = await startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('is one trace from the gateway through the subgraphs it called, joined by traceparent', async () => {
    expect(tracing).toBeDefined();
    const r = await stack.query('query TracedProbe { household(id: "1") { id address loans { id } } }');
    expect(r.errors).toBeUndefined();
    await tracing!.forceFlush();
    expect(receiver.contentTypes.length).toBeGreaterThan(0);
    expect(receiver.contentTypes.every((t) => t.startsWith('application/json'))).toBe(true);

    const root = receiver.spans.find((s) => s.service === 'gateway' && s.name === 'query TracedProbe');
    expect(root, JSON.stringify(receiver.spans.map((s) => [s.service, s.name]))).toBeDefined();
    expect(root!.kind).toBe(SERVER);
    expect(root!.attributes['graphql.operation.name']).toBe('TracedProbe');
    const inTrace = receiver.spans.filter((s) => s.traceId === root!.traceId);

    // The gateway's fetch to each subgraph is a client span, and the subgraph's request span is
    // its child: the traceparent the gateway sent was the one the subgraph continued.
    for (const subgraph of ['registry', 'credit']) {
      const fetch = inTrace.find((s) => s.service === 'gateway' && s.kind === CLIENT && s.name === `POST ${subgraph}`);
      expect(fetch, subgraph).toBeDefined();
      const served = inTrace.filter((s) => s.service === subgraph && s.kind === SERVER);
      expect(served.length, subgraph).toBeGreaterThan(0);
      expect(served.every((s) => s.name.startsWith('query TracedProbe__'))).toBe(true);
      expect(
        served.some((s) => s.parentSpanId === fetch!.spanId),
        subgraph,
      ).toBe(true);
    }
    // Every span of the trace hangs from the gateway's request span (no orphans).
    const ids = new Set(inTrace.map((s) => s.spanId));
    for (const s of inTrace) if (s !== root) expect(ids.has(s.parentSpanId!), `${s.service} ${s.name}`).toBe(true);
    // @apollo/gateway's own spans (the query plan) join the same trace.
    expect(inTrace.some((s) => s.service === 'gateway' && s.name === 'gateway.plan')).toBe(true);
  });
});
