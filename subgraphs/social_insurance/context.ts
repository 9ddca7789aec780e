import type { Kysely } from 'kysely';
import type { RequestAuth } from '../../platform/access/request.js';
import type { RegistryClient } from '../../platform/registry-client.js';
import type { SocialInsuranceDatabase } from './db/tables.js';
import type { Loaders } from './loaders.js';

export interface SocialInsuranceContext {
  db: Kysely<SocialInsuranceDatabase>;
  loaders: Loaders;
  /** Asks the registry about households and people; call it before any transaction. */
  registry: RegistryClient;
  /** Who is asking, and what this request must report or audit. */
  auth: RequestAuth;
}
