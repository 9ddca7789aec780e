import type { SubgraphPackage } from '../platform/subgraph.js';
import { credit } from './credit/index.js';
import { employment } from './employment/index.js';
import { housing } from './housing/index.js';
import { livelihoods } from './livelihoods/index.js';
import { registry } from './registry/index.js';
import { socialInsurance } from './social_insurance/index.js';

/**
 * Every subgraph of the graph, in start-up order (the registry first: the others check
 * household identity against it). Composition, `npm start`, migrations and tests read this list.
 */
export const subgraphs: SubgraphPackage[] = [registry, credit, housing, socialInsurance, employment, livelihoods];

export function findSubgraph(name: string): SubgraphPackage {
  const found = subgraphs.find((s) => s.name === name);
  if (!found) throw new Error(`unknown subgraph "${name}"; known: ${subgraphs.map((s) => s.name).join(', ')}`);
  return found;
}
