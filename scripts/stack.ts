import type { DestinationStream } from 'pino';
import { generateCityData, registryIsEmpty } from '../db/generate/run.js';
import { Databases, type AnyTables } from '../db/index.js';
import { serveGateway } from '../gateway/gateway.js';
import type { ResilienceSettings } from '../gateway/subgraph-source.js';
import { composeSupergraph } from '../schema/compose.js';
import { loadDemoAccounts, type DemoAccount } from '../oidc/accounts.js';
import { startIdentityProvider } from '../oidc/provider.js';
import { Authenticator, authConfigFromEnv, type AuthConfig } from '../platform/auth.js';
import { DEFAULT_SCOPES } from '../platform/pages.js';
import { serveSubgraph } from '../platform/serve.js';
import { portFor, prepareSchema, type PeerUrls, type SubgraphPackage } from '../platform/subgraph.js';
import { subgraphs as allSubgraphs } from '../subgraphs/catalog.js';

export interface StackOptions {
  databases: Databases;
  subgraphs?: SubgraphPackage[];
  /** 'default': each subgraph on its port (4001...), 'random': free ports chosen by the OS (tests). */
  ports?: 'default' | 'random';
  /** Gateway port; 0 picks a free one. */
  gatewayPort?: number;
  host?: string;
  /**
   * The data to load into a fresh database: 'demo' (a few hundred households, the default),
   * 'city' (the calibrated city-scale data set, generated when the registry is empty) or
   * 'none'. Data already there is kept.
   */
  data?: 'demo' | 'city' | 'none';
  /** Scale and seed of the city data set. */
  scale?: number;
  seed?: number;
  log?: (message: string) => void;
  /** Where every server's JSON request log goes (standard output by default). */
  logDestination?: DestinationStream;
  /** The gateway's subgraph timeout, request deadline and circuit breaker; by default from the environment. */
  resilience?: ResilienceSettings;
  /** Token verification and the access policy; by default from the environment (auth.ts). */
  auth?: AuthConfig;
  /**
   * Runs an OpenID provider on loopback with demo accounts (oidc/provider.ts): the pages sign
   * in with it, and the gateway and the subgraphs trust its tokens beside the local ones.
   */
  identityProvider?: {
    /** 0: a free port. */
    port: number;
    /** The demo accounts (config/demo-accounts.json by default). */
    accountsFile?: string;
    /** Where its keys are kept between starts; in memory when absent. */
    keysFile?: string;
    /** Access-token lifetime in seconds. */
    accessTokenTtl?: number;
  };
}

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  databases: Databases;
  /** The gateway's and every subgraph's token verifier (and, with a shared secret, minter). */
  auth: Authenticator;
  /** The OpenID provider on loopback, when one was asked for: its issuer and demo accounts. */
  identityProvider?: { issuer: string; accounts: DemoAccount[] };
  stop(): Promise<void>;
}

/** Migrates every subgraph, then loads the chosen data set where the database is fresh. */
export async function prepareData(
  databases: Databases,
  packages: readonly SubgraphPackage[],
  options: { data: 'demo' | 'city' | 'none'; scale?: number; seed?: number; log: (m: string) => void },
): Promise<void> {
  const started = Date.now();
  // At once: each subgraph migrates its own schema only, so on databases of their own (a server,
  // or the embedded one per subgraph, each in its thread) they run side by side.
  await Promise.all(packages.map((pkg) => prepareSchema(databases.kysely(pkg.name), pkg, options.log)));
  options.log(`schemas migrated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (options.data === 'demo') {
    for (const pkg of packages) await pkg.seedDemo(databases.kysely(pkg.name));
  } else if (options.data === 'city' && (await registryIsEmpty(databases))) {
    await generateCityData(databases, packages, { scale: options.scale ?? 1, seed: options.seed ?? 2025, log: options.log });
  }
}

/**
 * The whole graph in one process: every subgraph on its own HTTP port, and the gateway in
 * front, talking to them over real HTTP. `npm start`, the tests and the benchmarks use this;
 * the production topology runs the same servers as separate processes.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { databases } = options;
  const packages = options.subgraphs ?? allSubgraphs;
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const running: Array<{ close(): Promise<void> }> = [];
  const subgraphUrls: Record<string, string> = {};
  let authConfig = options.auth ?? authConfigFromEnv();
  const accounts = options.identityProvider ? loadDemoAccounts(authConfig.policy, options.identityProvider.accountsFile) : [];
  // The provider listens first, so that the graph knows whose tokens to trust; it admits the
  // pages once the gateway's address is known. Always on loopback: it is this machine's.
  const provider = options.identityProvider
    ? await startIdentityProvider({
        host: '127.0.0.1',
        port: options.identityProvider.port,
        accounts,
        audience: authConfig.audience,
        ...(options.identityProvider.keysFile ? { keysFile: options.identityProvider.keysFile } : {}),
        ...(options.identityProvider.accessTokenTtl ? { accessTokenTtl: options.identityProvider.accessTokenTtl } : {}),
      })
    : undefined;
  if (provider) {
    running.push(provider);
    authConfig = {
      ...authConfig,
      trustedIssuers: [...(authConfig.trustedIssuers ?? []), { issuer: provider.issuer, jwksUrl: provider.jwksUrl, algorithms: ['RS256'] }],
    };
  }
  try {
    const auth = new Authenticator(authConfig);
    await prepareData(databases, packages, {
      data: options.data ?? 'demo',
      ...(options.scale !== undefined ? { scale: options.scale } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      log,
    });
    const peers: PeerUrls = { registry: '' };
    // The registry starts first: the others check household identity against it.
    for (const pkg of packages) {
      const server = await serveSubgraph(pkg, {
        db: databases.serving<AnyTables>(pkg.name),
        peers: { ...peers },
        port: options.ports === 'random' ? 0 : portFor(pkg),
        host,
        auth,
        ...(options.logDestination ? { logDestination: options.logDestination } : {}),
      });
      running.push(server);
      subgraphUrls[pkg.name] = server.url;
      if (pkg.name === 'registry') peers.registry = server.url;
      log(`${pkg.name} subgraph ready at ${server.url}`);
    }
    // A chosen subset of subgraphs (tests of one department) gets a supergraph composed for it;
    // the full set uses the committed one, which a test keeps equal to a fresh composition.
    const gatewayServer = await serveGateway({
      subgraphUrls,
      ...(options.subgraphs ? { supergraphSdl: composeSupergraph(packages) } : {}),
      port: options.gatewayPort ?? 4000,
      ...(options.resilience ? { resilience: options.resilience } : {}),
      host,
      auth,
      ...(options.logDestination ? { logDestination: options.logDestination } : {}),
      ...(provider ? { signIn: { issuer: provider.issuer, clientId: provider.clientId, scope: DEFAULT_SCOPES } } : {}),
    });
    running.push(gatewayServer);
    if (provider) provider.admit(loopbackOrigins(gatewayServer.url));
    return {
      gatewayUrl: gatewayServer.url,
      subgraphUrls,
      databases,
      auth,
      ...(provider ? { identityProvider: { issuer: provider.issuer, accounts } } : {}),
      stop: async () => {
        for (const r of running.reverse()) await r.close();
      },
    };
  } catch (error) {
    for (const r of running.reverse()) await r.close().catch(() => {});
    throw error;
  }
}

/**
 * The addresses a browser on this machine may open the gateway at: as it listens, and with
 * 127.0.0.1 and localhost for each other (or for 0.0.0.0), so that signing in works from either.
 */
function loopbackOrigins(gatewayUrl: string): string[] {
  const url = new URL(gatewayUrl);
  const origins = new Set([url.origin]);
  if (['127.0.0.1', 'localhost', '0.0.0.0', '[::]'].includes(url.hostname)) {
    for (const name of ['127.0.0.1', 'localhost']) origins.add(`${url.protocol}//${name}:${url.port}`);
  }
  origins.delete(`${url.protocol}//0.0.0.0:${url.port}`);
  origins.delete(`${url.protocol}//[::]:${url.port}`);
  return [...origins];
}
