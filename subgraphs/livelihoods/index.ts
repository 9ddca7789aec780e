import { RegistryClient } from '../../platform/registry-client.js';
import type { SubgraphPackage } from '../../platform/subgraph.js';
import { loadTypeDefs } from '../../platform/subgraph.js';
import type { LivelihoodsContext } from './context.js';
import { migrations } from './db/migrations/index.js';
import type { LivelihoodsDatabase } from './db/tables.js';
import { createLoaders, keptResponseRules } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { seedDemo } from './seed.js';
import { KeptAnswers } from '../../platform/kept.js';
import { KeptResponses } from '../../platform/kept-responses.js';

const schemaFile = new URL('./schema.graphql', import.meta.url);

/**
 * Livelihoods (Department of Agriculture): livelihood projects and their budgets, households
 * taking part with their activity and support in kind and in cash, high-tech agriculture models.
 */
export const livelihoods: SubgraphPackage<LivelihoodsDatabase> = {
  name: 'livelihoods',
  defaultPort: 4006,
  schemaFile,
  migrations,
  seedDemo,
  // The data set's generator is loaded only to generate (a worker loads cityGenerator itself):
  // a server that serves never loads it.
  generateCity: async (db, plan, log) => (await import('./dataset/generate.js')).generateCity(db, plan, log),
  cityGenerator: new URL('./dataset/generate.ts', import.meta.url),
  buildSubgraph: ({ db, peers, serviceHeaders }) => {
    const registry = new RegistryClient(peers.registry, serviceHeaders);
    const kept = new KeptAnswers(db);
    return {
      name: 'livelihoods',
      typeDefs: loadTypeDefs(schemaFile),
      resolvers,
      createContext: async (auth): Promise<LivelihoodsContext> => ({ db, loaders: createLoaders(db, kept.forRequest()), registry, auth }),
      keptResponses: new KeptResponses(kept, keptResponseRules),
    };
  },
};
