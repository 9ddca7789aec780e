import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Supergraph, type Operation } from '@apollo/federation-internals';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { Kind, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../../gateway/gateway.js';
import { installOperationCache, keptOperationFromDocument } from '../../gateway/operation-cache.js';

// gateway/operation-cache.ts gives executeQueryPlan back the operation it built for the same
// operation definition node. It must build a new one whenever anything it was built from
// differs, leave every other call alone, and be what a real gateway request runs.

type Build = (schema: unknown, document: DocumentNode, options?: { operationName?: string; validate?: boolean }) => Operation;
const operations = createRequire(import.meta.url)('@apollo/federation-internals/dist/operations.js') as { operationFromDocument: Build };

// Counts what the library's function builds, under the cache (installed first: the cache keeps
// the function it found as the one it calls).
const library = operations.operationFromDocument;
const built: Array<{ validate: boolean | undefined }> = [];
operations.operationFromDocument = (schema, document, options) => {
  built.push({ validate: options?.validate });
  return library(schema, document, options);
};
installOperationCache(true);

const api = Supergraph.build(fs.readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema();
const request = parse('query Q($year: Int!) { city { name householdCount(year: $year) ...Codes } } fragment Codes on City { code }');
/** The document executeQueryPlan builds each request: the operation first, then its fragments. */
const asExecuted = (document: DocumentNode): DocumentNode => ({
  kind: Kind.DOCUMENT,
  definitions: [
    document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!,
    ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION),
  ],
});

describe('the operation kept for executeQueryPlan (gateway/operation-cache.ts)', () => {
  it('gives back the same operation for the same nodes, and builds anew when the fragments or the schema differ', () => {
    const first = keptOperationFromDocument(api, asExecuted(request), { validate: false });
    expect(keptOperationFromDocument(api, asExecuted(request), { validate: false }) === first).toBe(true);
    expect(first.toString()).toBe(library(api, asExecuted(request), { validate: false }).toString());
    // The same operation node with another fragment node (an edited document): built again.
    const other = parse('fragment Codes on City { name }').definitions[0]!;
    const withOther = keptOperationFromDocument(api, { kind: Kind.DOCUMENT, definitions: [request.definitions[0]!, other] }, { validate: false });
    expect(withOther === first).toBe(false);
    expect(withOther.toString()).not.toBe(first.toString());
    // Another schema (a new supergraph): built again.
    const newApi = Supergraph.build(fs.readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema();
    expect(
      keptOperationFromDocument(newApi, asExecuted(request), { validate: false }) === keptOperationFromDocument(api, asExecuted(request), { validate: false }),
    ).toBe(false);
  });

  it('leaves validated calls and calls naming an operation to the library, each time', () => {
    const before = built.length;
    const a = keptOperationFromDocument(api, asExecuted(request));
    const b = keptOperationFromDocument(api, asExecuted(request));
    const c = keptOperationFromDocument(api, asExecuted(request), { validate: false, operationName: 'Q' });
    const d = keptOperationFromDocument(api, asExecuted(request), { validate: false, operationName: 'Q' });
    expect(built.length - before).toBe(4);
    expect(a === b).toBe(false);
    expect(c === d).toBe(false);
  });

  it('is what a real gateway request runs: the same query three times builds its operation once for execution', async () => {
    process.env.APOLLO_TELEMETRY_DISABLED = 'true';
    const service: GraphQLDataSource = { process: () => Promise.resolve({ data: { city: { name: 'Hà Nội', code: '01', householdCount: 7 } } }) };
    const server = new ApolloServer({
      gateway: new ApolloGateway({ supergraphSdl: fs.readFileSync(SUPERGRAPH_PATH, 'utf8'), buildService: () => service }),
      plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()],
    });
    await server.start();
    try {
      const query = 'query Q($year: Int!) { city { name householdCount(year: $year) ...Codes } } fragment Codes on City { code }';
      built.length = 0;
      for (const year of [2022, 2023, 2024]) {
        const response = await server.executeOperation({ query, variables: { year } });
        expect(response.body.kind === 'single' ? response.body.singleResult : undefined).toEqual({
          data: { city: { name: 'Hà Nội', householdCount: 7, code: '01' } },
        });
      }
      // One for execution (validate: false); the planner's own, validated, on its one plan-cache miss.
      expect(built.filter((b) => b.validate === false)).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
