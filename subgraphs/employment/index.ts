import { RegistryClient } from '../../platform/registry-client.js';
import type { SubgraphPackage } from '../../platform/subgraph.js';
import { loadTypeDefs } from '../../platform/subgraph.js';
import type { EmploymentContext } from './context.js';
import { migrations } from './db/migrations/index.js';
import type { EmploymentDatabase } from './db/tables.js';
import { createLoaders, keptResponseRules } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { employmentRollups } from './rollups.js';
import { seedDemo } from './seed.js';
import { KeptAnswers } from '../../platform/kept.js';
import { KeptResponses } from '../../platform/kept-responses.js';

const schemaFile = new URL('./schema.graphql', import.meta.url);

/**
 * Employment services: job placements (domestic and overseas contract labour) and how they came
 * about, job fairs and their hires, vocational-training enrolments, and the city's labour statistics.
 */
export const employment: SubgraphPackage<EmploymentDatabase> = {
  name: 'employment',
  defaultPort: 4005,
  schemaFile,
  migrations,
  // Kept by the repository's writes, written by the generator and the demo data, rebuilt at start when its rule changed.
  rollups: [employmentRollups],
  seedDemo,
  // The data set's generator is loaded only to generate (a worker loads cityGenerator itself):
  // a server that serves never loads it.
  generateCity: async (db, plan, log) => (await import('./dataset/generate.js')).generateCity(db, plan, log),
  cityGenerator: new URL('./dataset/generate.ts', import.meta.url),
  buildSubgraph: ({ db, peers, serviceHeaders }) => {
    const registry = new RegistryClient(peers.registry, serviceHeaders);
    const kept = new KeptAnswers(db);
    return {
      name: 'employment',
      typeDefs: loadTypeDefs(schemaFile),
      resolvers,
      createContext: async (auth): Promise<EmploymentContext> => ({ db, loaders: createLoaders(db, kept.forRequest()), registry, auth }),
      keptResponses: new KeptResponses(kept, keptResponseRules),
    };
  },
};
