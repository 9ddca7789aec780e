import { RegistryClient } from '../../platform/registry-client.js';
import type { SubgraphPackage } from '../../platform/subgraph.js';
import { loadTypeDefs } from '../../platform/subgraph.js';
import { KeptAnswers } from '../../platform/kept.js';
import { KeptResponses } from '../../platform/kept-responses.js';
import type { CreditContext } from './context.js';
import { migrations } from './db/migrations/index.js';
import type { CreditDatabase } from './db/tables.js';
import { createLoaders, keptResponseRules } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { creditRollupSet } from './rollups.js';
import { seedDemo } from './seed.js';

const schemaFile = new URL('./schema.graphql', import.meta.url);

/**
 * Credit: the Vietnam Bank for Social Policies (VBSP), Hanoi branch. Loan programmes, loans to
 * registry households, repayments and outstanding balances, capital the city entrusted.
 */
export const credit: SubgraphPackage<CreditDatabase> = {
  name: 'credit',
  defaultPort: 4002,
  schemaFile,
  migrations,
  rollups: [creditRollupSet],
  seedDemo,
  // The data set's generator is loaded only to generate (a worker loads cityGenerator itself):
  // a server that serves never loads it.
  generateCity: async (db, plan, log) => (await import('./dataset/generate.js')).generateCity(db, plan, log),
  cityGenerator: new URL('./dataset/generate.ts', import.meta.url),
  buildSubgraph: ({ db, peers, serviceHeaders }) => {
    const registry = new RegistryClient(peers.registry, serviceHeaders);
    const kept = new KeptAnswers(db);
    return {
      name: 'credit',
      typeDefs: loadTypeDefs(schemaFile),
      resolvers,
      createContext: async (auth): Promise<CreditContext> => ({ db, loaders: createLoaders(db, kept.forRequest()), registry, auth }),
      keptResponses: new KeptResponses(kept, keptResponseRules),
    };
  },
};
