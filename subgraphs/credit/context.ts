import type { Kysely } from 'kysely';
import type { RequestAuth } from '../../platform/access/request.js';
import type { RegistryClient } from '../../platform/registry-client.js';
import type { CreditDatabase } from './db/tables.js';
import type { Loaders } from './loaders.js';

export interface CreditContext {
  db: Kysely<CreditDatabase>;
  loaders: Loaders;
  /** Asks the registry about households; call it before opening a transaction, never inside one. */
  registry: RegistryClient;
  /** Who is asking, and what this request must report or audit. */
  auth: RequestAuth;
}
