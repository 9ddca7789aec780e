import fs from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';

export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

export interface GatewayOptions {
  /** The composed supergraph; by default the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph URLs by name, overriding the routing URLs in the supergraph. */
  subgraphUrls?: Record<string, string>;
}

/**
 * An Apollo gateway over the static, pre-composed supergraph: it never polls Apollo's cloud
 * (no managed federation), and usage reporting, schema reporting and the CDN-loaded landing
 * page are all off.
 */
export function createGatewayServer(options: GatewayOptions = {}): ApolloServer {
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: options.subgraphUrls?.[name] ?? url }),
  });
  return new ApolloServer({
    gateway,
    introspection: true,
    // Our processes handle SIGINT/SIGTERM themselves and stop every server in order; Apollo's
    // own handler would race that stop and hang it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
}

/** `<NAME>_URL` variables override where the gateway finds each subgraph. */
export function subgraphUrlsFromEnv(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const name of names) {
    const url = env[`${name.toUpperCase()}_URL`];
    if (url) urls[name] = url;
  }
  return urls;
}
