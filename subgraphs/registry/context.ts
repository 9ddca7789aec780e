import type { Kysely } from 'kysely';
import type { RegistryDatabase } from './db/tables.js';
import type { Loaders } from './loaders.js';

export interface RegistryContext {
  db: Kysely<RegistryDatabase>;
  loaders: Loaders;
}
