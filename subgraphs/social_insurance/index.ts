import { RegistryClient } from '../../platform/registry-client.js';
import type { SubgraphPackage } from '../../platform/subgraph.js';
import { loadTypeDefs } from '../../platform/subgraph.js';
import type { SocialInsuranceContext } from './context.js';
import { migrations } from './db/migrations/index.js';
import type { SocialInsuranceDatabase } from './db/tables.js';
import { createLoaders, keptResponseRules } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { healthInsuranceRollupSet } from './rollups.js';
import { seedDemo } from './seed.js';
import { KeptAnswers } from '../../platform/kept.js';
import { KeptResponses } from '../../platform/kept-responses.js';

const schemaFile = new URL('./schema.graphql', import.meta.url);

/**
 * Social insurance and social protection: budget-supported health-insurance cards, voluntary
 * social-insurance contribution support, tuition support, electricity subsidies, monthly social
 * allowances and emergency relief.
 */
export const socialInsurance: SubgraphPackage<SocialInsuranceDatabase> = {
  name: 'social_insurance',
  defaultPort: 4004,
  schemaFile,
  migrations,
  rollups: [healthInsuranceRollupSet],
  seedDemo,
  // The data set's generator is loaded only to generate (a worker loads cityGenerator itself):
  // a server that serves never loads it.
  generateCity: async (db, plan, log) => (await import('./dataset/generate.js')).generateCity(db, plan, log),
  cityGenerator: new URL('./dataset/generate.ts', import.meta.url),
  buildSubgraph: ({ db, peers, serviceHeaders }) => {
    const registry = new RegistryClient(peers.registry, serviceHeaders);
    const kept = new KeptAnswers(db);
    return {
      name: 'social_insurance',
      typeDefs: loadTypeDefs(schemaFile),
      resolvers,
      createContext: async (auth): Promise<SocialInsuranceContext> => ({ db, loaders: createLoaders(db, kept.forRequest()), registry, auth }),
      keptResponses: new KeptResponses(kept, keptResponseRules),
    };
  },
};
