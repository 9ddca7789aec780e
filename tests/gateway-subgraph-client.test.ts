import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { SubgraphDataSource } from '../gateway/subgraph-source.js';

// The gateway's subgraph client (node:http with a keep-alive agent, gateway/subgraph-source.ts)
// when a subgraph closes a kept-alive connection under a request: a read is sent once more on
// a new connection, a write never (its answer says it may have been written), and a request
// that fails on a new connection is not repeated. The subgraph here is a real HTTP server that
// drops the connection instead of answering the requests the test chooses.

interface Seen {
  socket: number;
  /** 1 for the first request on its connection, 2 for the second, ... */
  onSocket: number;
  body: string;
}

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A subgraph that answers `{ data: { ok: true } }`, except that `drop` decides which requests lose their connection. */
async function subgraph(drop: (seen: Seen) => boolean): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const perSocket = new WeakMap<object, { id: number; count: number }>();
  let sockets = 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      let socket = perSocket.get(req.socket);
      if (!socket) perSocket.set(req.socket, (socket = { id: ++sockets, count: 0 }));
      const entry = { socket: socket.id, onSocket: ++socket.count, body };
      seen.push(entry);
      if (drop(entry)) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { ok: true } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen };
}

function source(url: string): SubgraphDataSource {
  return new SubgraphDataSource('test', url, undefined, { subgraphTimeoutMs: 5000, requestDeadlineMs: 10_000, circuitFailures: 10, circuitCooldownMs: 5000 });
}

function ask(dataSource: SubgraphDataSource, query: string) {
  return dataSource.process({
    // GraphQLDataSourceRequestKind.INCOMING_OPERATION (an enum @apollo/gateway does not export).
    kind: 'incoming operation',
    request: { query, variables: {} },
    context: {},
    document: parse(query),
    pathInIncomingRequest: [],
    incomingRequestContext: {},
  } as unknown as Parameters<SubgraphDataSource['process']>[0]);
}

describe('gateway subgraph client (node:http)', () => {
  it('sends a read again on a new connection when the subgraph closed the kept-alive one under it', async () => {
    const { url, seen } = await subgraph((s) => s.socket === 1 && s.onSocket === 2);
    const dataSource = source(url);
    expect((await ask(dataSource, '{ ok }')).data).toEqual({ ok: true });
    const second = await ask(dataSource, '{ ok }');
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual({ ok: true });
    // The first connection carried two requests (the second dropped), the retry a new one.
    expect(seen.map((s) => [s.socket, s.onSocket])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });

  it('never sends a write again: its answer says it may have been written', async () => {
    const { url, seen } = await subgraph((s) => s.socket === 1 && s.onSocket === 2);
    const dataSource = source(url);
    await ask(dataSource, '{ ok }');
    const write = await ask(dataSource, 'mutation { ok }');
    expect(write.data).toBeNull();
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'test', mayHaveWritten: true });
    expect(seen).toHaveLength(2);
  });

  it('does not repeat a read whose new connection failed', async () => {
    const { url, seen } = await subgraph(() => true);
    const read = await ask(source(url), '{ ok }');
    expect(read.data).toBeNull();
    expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'test' });
    expect(seen).toHaveLength(1);
  });
});
