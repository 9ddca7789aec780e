import type { SubgraphPackage } from './common/subgraph.js';
import { registry } from './registry/index.js';

/**
 * Every subgraph of the graph, in start-up order (the registry first: the others check
 * household identity against it). Composition, `npm start`, migrations and tests read this list.
 */
export const subgraphs: SubgraphPackage[] = [registry];

export function findSubgraph(name: string): SubgraphPackage {
  const found = subgraphs.find((s) => s.name === name);
  if (!found) throw new Error(`unknown subgraph "${name}"; known: ${subgraphs.map((s) => s.name).join(', ')}`);
  return found;
}
