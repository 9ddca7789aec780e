import type { DestinationStream } from 'pino';
import { generateCityData, registryIsEmpty } from '../db/generate/run.js';
import { Databases, migrateSubgraph } from '../db/index.js';
import { serveGateway } from '../gateway/gateway.js';
import { composeSupergraph } from '../schema/compose.js';
import { Authenticator, authConfigFromEnv, type AuthConfig } from '../subgraphs/common/auth.js';
import { serveSubgraph } from '../subgraphs/common/serve.js';
import { portFor, type PeerUrls, type SubgraphPackage } from '../subgraphs/common/subgraph.js';
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
  /** Token verification and the access policy; by default from the environment (auth.ts). */
  auth?: AuthConfig;
}

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  databases: Databases;
  /** The gateway's and every subgraph's token verifier (and, with a shared secret, minter). */
  auth: Authenticator;
  stop(): Promise<void>;
}

/** Migrates every subgraph, then loads the chosen data set where the database is fresh. */
export async function prepareData(
  databases: Databases,
  packages: readonly SubgraphPackage[],
  options: { data: 'demo' | 'city' | 'none'; scale?: number; seed?: number; log: (m: string) => void },
): Promise<void> {
  for (const pkg of packages) await migrateSubgraph(databases.kysely(pkg.name), pkg.name, pkg.migrations, options.log);
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
  const auth = new Authenticator(options.auth ?? authConfigFromEnv());
  try {
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
        db: databases.kysely<any>(pkg.name),
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
      host,
      auth,
      ...(options.logDestination ? { logDestination: options.logDestination } : {}),
    });
    running.push(gatewayServer);
    return {
      gatewayUrl: gatewayServer.url,
      subgraphUrls,
      databases,
      auth,
      stop: async () => {
        for (const r of running.reverse()) await r.close();
      },
    };
  } catch (error) {
    for (const r of running.reverse()) await r.close().catch(() => {});
    throw error;
  }
}
