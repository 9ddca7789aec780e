import type { Kysely } from 'kysely';
import type { RequestAuth } from '../../platform/access/request.js';
import type { RegistryClient } from '../../platform/registry-client.js';
import type { HousingDatabase } from './db/tables.js';
import type { Loaders } from './loaders.js';

export interface HousingContext {
  db: Kysely<HousingDatabase>;
  loaders: Loaders;
  /** Household identity and eligibility: asked before any transaction opens. */
  registry: RegistryClient;
  /** Who is asking, and what this request must report or audit. */
  auth: RequestAuth;
}
