import type { SubgraphPackage } from '../../platform/subgraph.js';
import { loadTypeDefs } from '../../platform/subgraph.js';
import type { RegistryContext } from './context.js';
import { migrations } from './db/migrations/index.js';
import type { RegistryDatabase } from './db/tables.js';
import { createLoaders, keptResponseRules } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { povertyRollups } from './rollups.js';
import { seedDemo } from './seed.js';
import { KeptAnswers } from '../../platform/kept.js';
import { KeptResponses } from '../../platform/kept-responses.js';

const schemaFile = new URL('./schema.graphql', import.meta.url);

/** The registry: communes and wards, households and their members, poverty standards and reviews. */
export const registry: SubgraphPackage<RegistryDatabase> = {
  name: 'registry',
  defaultPort: 4001,
  schemaFile,
  migrations,
  // Kept by the repository's writes, written by the generator and the demo data, rebuilt at start when its rule changed.
  rollups: [povertyRollups],
  seedDemo,
  // The data set's generator is loaded only to generate (a worker loads cityGenerator itself):
  // a server that serves never loads it.
  generateCity: async (db, plan, log) => (await import('./dataset/generate.js')).generateCity(db, plan, log),
  cityGenerator: new URL('./dataset/generate.ts', import.meta.url),
  buildSubgraph: ({ db }) => {
    const kept = new KeptAnswers(db);
    return {
      name: 'registry',
      typeDefs: loadTypeDefs(schemaFile),
      resolvers,
      createContext: async (auth): Promise<RegistryContext> => ({ db, loaders: createLoaders(db, kept.forRequest()), auth }),
      keptResponses: new KeptResponses(kept, keptResponseRules),
    };
  },
};
