import fs from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { SubgraphPackage } from '../subgraphs/common/subgraph.js';
import { subgraphs as allSubgraphs } from '../subgraphs/catalog.js';

export const SUPERGRAPH_FILE = new URL('./supergraph.graphql', import.meta.url);
/** Breaking changes their clients are ready for (`npm run schema:check` and `schema:publish` let them through). */
export const ACKNOWLEDGED_FILE = new URL('./acknowledged-breaking-changes.json', import.meta.url);

/** The routing URL each subgraph has in the committed supergraph (the `npm start` ports). */
export function defaultRoutingUrl(port: number): string {
  return `http://127.0.0.1:${port}/graphql`;
}

/**
 * Composes the supergraph from every subgraph's SDL file, with @apollo/composition, exactly
 * as `npm run schema:compose` writes it. Throws with every composition error listed.
 */
export function composeSupergraph(subgraphs: readonly SubgraphPackage[] = allSubgraphs): string {
  const result = composeServices(
    subgraphs.map((s) => ({
      name: s.name,
      url: defaultRoutingUrl(s.defaultPort),
      typeDefs: parse(fs.readFileSync(s.schemaFile, 'utf8')),
    })),
  );
  if (result.errors?.length || !result.supergraphSdl) {
    const errors = result.errors ?? [];
    throw new Error(`Supergraph composition failed:\n${errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  const sdl = result.supergraphSdl;
  return sdl.endsWith('\n') ? sdl : `${sdl}\n`;
}

export function readCommittedSupergraph(): string {
  return fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
}
