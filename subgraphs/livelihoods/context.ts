import type { Kysely } from 'kysely';
import type { RequestAuth } from '../../platform/access/request.js';
import type { RegistryClient } from '../../platform/registry-client.js';
import type { LivelihoodsDatabase } from './db/tables.js';
import type { Loaders } from './loaders.js';

export interface LivelihoodsContext {
  db: Kysely<LivelihoodsDatabase>;
  loaders: Loaders;
  /** Household and commune identity: asked before any transaction opens, never inside one. */
  registry: RegistryClient;
  /** Who is asking, and what this request must report or audit. */
  auth: RequestAuth;
}
