import fs from 'node:fs';
import type http from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type DocumentNode } from 'graphql';
import type { Kysely, Migration } from 'kysely';
import type { CityPlan } from '../../db/generate/plan.js';
import type { Observability } from './observability.js';

/** What `buildSubgraph` returns: everything needed to serve or compose one subgraph. */
export interface BuiltSubgraph<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  createContext(req?: http.IncomingMessage): Promise<TContext>;
}

/** Lets a subgraph ask another (the registry, for household identity) over HTTP. */
export interface PeerUrls {
  registry: string;
}

export interface SubgraphDeps<DB> {
  db: Kysely<DB>;
  peers: PeerUrls;
}

/** One department's subgraph as the platform sees it: start-up, migrations, demo data. */
export interface SubgraphPackage<DB = any> {
  name: string;
  /** Port when started by `npm start` or alone; `<NAME>_PORT` overrides it. */
  defaultPort: number;
  /** The SDL file (composition reads it without starting anything). */
  schemaFile: URL;
  migrations: Record<string, Migration>;
  /** Writes the small demo data set; does nothing when it is already there. */
  seedDemo(db: Kysely<DB>): Promise<void>;
  buildSubgraph(deps: SubgraphDeps<DB>): BuiltSubgraph<any>;
  /**
   * Replaces the subgraph's data with its share of the city-scale data set drawn from `plan`
   * (`npm run generate`). Writes only the subgraph's own schema.
   */
  generateCity?(db: Kysely<DB>, plan: CityPlan, log: (message: string) => void): Promise<void>;
}

export function loadTypeDefs(file: URL): DocumentNode {
  return parse(fs.readFileSync(file, 'utf8'));
}

/**
 * An Apollo server for one subgraph. Apollo's usage and schema reporting are off explicitly (no
 * call leaves the machine even when APOLLO_KEY happens to be set), and so is the default
 * landing page, which loads its page from a CDN.
 */
export function createSubgraphServer<TContext extends BaseContext>(built: BuiltSubgraph<TContext>, observability?: Observability): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: built.typeDefs, resolvers: built.resolvers }]),
    introspection: true,
    // Our processes handle SIGINT/SIGTERM themselves and stop every server in order; Apollo's
    // own handler would race that stop and hang it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: process.env.NODE_ENV === 'development',
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // Traces for Apollo's cloud reporting, which we never send.
      ApolloServerPluginInlineTraceDisabled(),
      ...(observability ? [observability.plugin<TContext>()] : []),
    ],
  });
}

export function portFor(pkg: { name: string; defaultPort: number }, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[`${pkg.name.toUpperCase()}_PORT`];
  return value ? Number(value) : pkg.defaultPort;
}
