import type { Kysely } from 'kysely';
import type { RegistryClient } from '../common/registry-client.js';
import type { HousingDatabase } from './db/tables.js';
import type { Loaders } from './loaders.js';

export interface HousingContext {
  db: Kysely<HousingDatabase>;
  loaders: Loaders;
  /** Household identity and eligibility: asked before any transaction opens. */
  registry: RegistryClient;
}
