import pg from 'pg';
import { Databases } from '../../db/index.js';
import type { SubgraphPackage } from '../../subgraphs/common/subgraph.js';
import { startStack, type Stack, type StackOptions } from '../../scripts/stack.js';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestStack extends Stack {
  /** POSTs a GraphQL operation to the gateway (or to `url`). */
  query<T = any>(query: string, variables?: Record<string, unknown>, url?: string): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * With DATABASE_URL set, each test file gets a database of its own on that server (created
 * here, dropped at the end), so that files running in parallel never see each other's rows.
 * Otherwise: the embedded PostgreSQL, in memory.
 */
export async function testDatabases(): Promise<{ databases: Databases; dispose(): Promise<void> }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Per-subgraph URLs would send one subgraph elsewhere; tests use one database.
    if (!key.endsWith('_DATABASE_URL')) env[key] = value;
  }
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const databases = new Databases({ env, inMemory: true });
    return { databases, dispose: () => databases.close() };
  }
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  const databases = new Databases({ env, poolSize: 4 });
  return {
    databases,
    dispose: async () => {
      await databases.close();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function postGraphQL<T = any>(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/** The whole graph with demo data, over real HTTP on free ports. */
export async function startTestStack(
  options: { subgraphs?: SubgraphPackage[]; data?: 'demo' | 'city' | 'none'; scale?: number; logDestination?: StackOptions['logDestination'] } = {},
): Promise<TestStack> {
  const { databases, dispose } = await testDatabases();
  let stack: Stack;
  try {
    stack = await startStack({
      databases,
      ports: 'random',
      gatewayPort: 0,
      data: options.data ?? 'demo',
      ...(options.scale !== undefined ? { scale: options.scale } : {}),
      ...(options.subgraphs ? { subgraphs: options.subgraphs } : {}),
      ...(options.logDestination ? { logDestination: options.logDestination } : {}),
    });
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    ...stack,
    query: (query, variables, url) => postGraphQL(url ?? stack.gatewayUrl, query, variables),
    close: async () => {
      await stack.stop();
      await dispose();
    },
  };
}

/** The one error of a response, failing loudly when there is none or several. */
export function onlyError(response: GraphQLResponse): { message: string; extensions?: Record<string, any> } {
  if (!response.errors || response.errors.length !== 1) {
    throw new Error(`expected exactly one error, got ${JSON.stringify(response.errors ?? response.data)}`);
  }
  return response.errors[0]!;
}
