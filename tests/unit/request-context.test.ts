import fs from 'node:fs';
import { HeaderMap } from '@apollo/server';
import { buildSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createGatewayServer } from '../../gateway/gateway.js';
import { ApolloServer, apolloGatewayRequestContext, gatewayRequestContext, installGatewayRequestContext } from '../../gateway/request-context.js';

// gateway/request-context.ts gives the gateway's executor the request context Apollo Server would,
// with `response.http` a class instance instead of an object literal with accessors (which kept
// every request's data alive past the young generation's collections). These tests hold it to
// the library's own function, and check that a real request through the Apollo Server the
// gateway uses calls it.

afterAll(() => installGatewayRequestContext('ours'));

function newRequestContext() {
  const requestHeaders = new HeaderMap([['authorization', 'Bearer x']]);
  const responseHeaders = new HeaderMap();
  return {
    request: {
      query: '{ a }',
      operationName: 'A',
      variables: { v: 1 },
      extensions: { e: true },
      http: { method: 'POST', search: 'x=1', headers: requestHeaders },
    },
    response: { http: { status: undefined as number | undefined, headers: responseHeaders } },
    schema: { schema: true },
    contextValue: { context: true },
    queryHash: 'hash',
    document: { document: true },
    source: '{ a }',
    operationName: 'A',
    operation: { operation: true },
    errors: [],
    metrics: { metrics: true },
    overallCachePolicy: { policy: true },
    requestIsBatched: false,
  };
}

type Made = {
  request: { http?: { headers: { get(n: string): string | null; append(n: string, v: string): void; set(n: string, v: string): void } } };
  response: { http: { status?: number; headers: { get(n: string): string | null; set(n: string, v: string): void; has(n: string): boolean } } };
} & Record<string, unknown>;

describe('gatewayRequestContext', () => {
  it('builds what the library builds, field for field', () => {
    const server = { logger: { logger: true }, cache: { cache: true } };
    const internals = { includeStacktraceInErrorResponses: false };
    const theirs = apolloGatewayRequestContext()(newRequestContext(), server, internals) as Made;
    const ours = gatewayRequestContext(newRequestContext(), server, internals) as Made;
    const plain = (made: Made) => ({ ...made, request: { ...made.request, http: { ...made.request.http, headers: undefined } }, response: undefined });
    expect(plain(ours)).toEqual(plain(theirs));
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(Object.keys(ours.request)).toEqual(Object.keys(theirs.request));
  });

  it('reads and writes the request’s own headers and status', () => {
    const given = newRequestContext();
    const made = gatewayRequestContext(given, { logger: null, cache: null }, {}) as Made;
    expect(made.request.http!.headers.get('authorization')).toBe('Bearer x');
    made.request.http!.headers.append('authorization', 'more');
    expect(given.request.http.headers.get('authorization')).toBe('Bearer x, more');
    made.response.http.headers.set('x-y', 'z');
    expect(given.response.http.headers.get('x-y')).toBe('z');
    expect(made.response.http.status).toBeUndefined();
    made.response.http.status = 503;
    expect(given.response.http.status).toBe(503);
    given.response.http.status = 200;
    expect(made.response.http.status).toBe(200);
    // No accessor of its own on the object: the cause of the retention is gone.
    expect(Object.getOwnPropertyDescriptor(made.response.http, 'status')).toBeUndefined();
  });

  it('is what a request through the gateway’s Apollo Server hands the executor', async () => {
    // The library's function first: creating the gateway's server must put ours in its place.
    installGatewayRequestContext('apollo');
    const gatewayServer = createGatewayServer({ supergraphSdl: fs.readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8') });
    // The gateway's server is the CommonJS build's, whose pipeline calls the installed function.
    expect(gatewayServer).toBeInstanceOf(ApolloServer);
    // A gateway whose executor records what it is given.
    const seen: Made[] = [];
    const schema = buildSchema('type Query { a: String }');
    const run = async () => {
      let loaded: ((update: { apiSchema: typeof schema; coreSupergraphSdl: string }) => void) | undefined;
      const server = new ApolloServer({
        gateway: {
          load: async () => {
            loaded?.({ apiSchema: schema, coreSupergraphSdl: '' });
            return {
              schema,
              executor: async (requestContext: unknown) => {
                seen.push(requestContext as Made);
                return { data: { a: 'b' } };
              },
            };
          },
          onSchemaLoadOrUpdate: (callback) => {
            loaded = callback;
            return () => {};
          },
          stop: async () => {},
        },
      });
      await server.start();
      const result = await server.executeOperation({ query: '{ a }' });
      await server.stop();
      return result;
    };
    const result = await run();
    expect(result.body).toEqual({ kind: 'single', singleResult: { data: { a: 'b' } } });
    expect(Object.getOwnPropertyDescriptor(seen[0]!.response.http, 'status')).toBeUndefined();
    // With the library's function put back, the same request gets its object literal: the check above can fail.
    installGatewayRequestContext('apollo');
    await run();
    expect(typeof Object.getOwnPropertyDescriptor(seen[1]!.response.http, 'status')?.get).toBe('function');
  });
});
