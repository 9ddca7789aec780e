import type { Kysely } from 'kysely';
import type { RequestAuth } from '../../platform/access/request.js';
import type { RegistryDatabase } from './db/tables.js';
import type { Loaders } from './loaders.js';

export interface RegistryContext {
  db: Kysely<RegistryDatabase>;
  loaders: Loaders;
  /** Who is asking, and what this request must report or audit. */
  auth: RequestAuth;
}
