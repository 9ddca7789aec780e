import { closedByPeer, resilienceFromEnv } from '../../gateway/subgraph-source.js';
import pg from 'pg';
import { Databases } from '../../db/index.js';
import type { SubgraphPackage } from '../../platform/subgraph.js';
import { startStack, type Stack, type StackOptions } from '../../scripts/stack.js';
import { loadAccessPolicy, type AuthConfig, type TokenClaims } from '../../platform/auth.js';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestStack extends Stack {
  /**
   * POSTs a GraphQL operation to the gateway (or to `url`), as an administrator unless `as`
   * says otherwise: a token, or null for no token (the public role).
   */
  query<T = any>(query: string, variables?: Record<string, unknown>, url?: string, as?: string | null): Promise<GraphQLResponse<T>>;
  /** A token for these claims, signed with the stack's key (valid for an hour). */
  token(claims: Partial<TokenClaims> & { roles: string[] }): Promise<string>;
  /** The administrator token `query` uses by default. */
  adminToken: string;
  close(): Promise<void>;
}

/** Tests sign their tokens with this secret (the stack verifies with it). */
export const TEST_AUTH_SECRET = 'test-secret-for-the-test-suite-only-0123456789';

export function testAuthConfig(env: NodeJS.ProcessEnv = {}): AuthConfig {
  return {
    issuer: 'hanoi-poverty-graph',
    audience: 'hanoi-poverty-graph',
    secret: TEST_AUTH_SECRET,
    internalSecret: TEST_AUTH_SECRET,
    policy: loadAccessPolicy(env),
    keySource: 'tests',
  };
}

/**
 * With DATABASE_URL set, each test file gets a database of its own on that server (created
 * here, dropped at the end), so that files running in parallel never see each other's rows.
 * Otherwise: the embedded PostgreSQL, in memory.
 */
export async function testDatabases(): Promise<{ databases: Databases; dispose: () => Promise<void> }> {
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
      // A pool's end() resolves while its sessions may still be closing: wait for them, since
      // FORCE would kill a closing session, whose client then reports an unhandled error.
      for (let i = 0; i < 50; i++) {
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (!rows[0]?.n) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string | null,
): Promise<GraphQLResponse<T>> {
  const send = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    // A kept-alive connection the server closed as the request went out (a loaded machine
    // makes the race likely): the server never saw it; a read is sent again, a write is not.
    if (/^\s*mutation\b/.test(query) || !closedByPeer(error)) throw error;
    response = await send();
  }
  return (await response.json()) as GraphQLResponse<T>;
}

/** The whole graph with demo data, over real HTTP on free ports. */
export async function startTestStack(
  options: {
    subgraphs?: SubgraphPackage[];
    data?: 'demo' | 'city' | 'none';
    scale?: number;
    logDestination?: StackOptions['logDestination'];
    /** Environment for the access policy (ACCESS_POLICY_FILE, SMALL_COUNT_THRESHOLD). */
    authEnv?: NodeJS.ProcessEnv;
    /** An OpenID provider on loopback with the demo accounts, whose tokens the graph trusts. */
    identityProvider?: StackOptions['identityProvider'];
  } = {},
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
      ...(options.identityProvider ? { identityProvider: options.identityProvider } : {}),
      auth: testAuthConfig(options.authEnv),
      // Tests of other things must not fail because a loaded machine (the suite runs files in
      // parallel) made one fetch slow: generous timeouts, unless the environment sets them.
      // tests/resilience starts gateways with short ones of its own.
      resilience: { ...resilienceFromEnv({ SUBGRAPH_TIMEOUT_MS: '30000', REQUEST_DEADLINE_MS: '60000', CIRCUIT_FAILURES: '5', ...process.env }) },
    });
  } catch (error) {
    await dispose();
    throw error;
  }
  const token: TestStack['token'] = (claims) => stack.auth.mint({ sub: claims.sub ?? `test-${claims.roles.join('+')}`, ...claims });
  const adminToken = await token({ sub: 'test-admin', roles: ['administrator'] });
  return {
    ...stack,
    token,
    adminToken,
    query: (query, variables, url, as) => postGraphQL(url ?? stack.gatewayUrl, query, variables, as === undefined ? adminToken : as),
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
