import { sql } from 'kysely';
import type { Databases } from '../index.js';
import type { SubgraphPackage } from '../../subgraphs/common/subgraph.js';
import { withoutSecondaryStructures } from '../bulk.js';
import { buildCityPlan } from './plan.js';

export interface GenerateOptions {
  scale: number;
  seed: number;
  log: (message: string) => void;
}

/**
 * Replaces every subgraph's data with its share of the city data set. One plan, then each
 * subgraph's generator in a transaction of its own on its own schema (so a failure leaves that
 * subgraph as it was), with the schema's foreign keys and secondary indexes dropped for the
 * load and restored after it (bulk.ts). The subgraphs must be migrated. Each step is printed as
 * it ends, with the seconds since the generation began.
 */
export async function generateCityData(databases: Databases, packages: readonly SubgraphPackage[], options: GenerateOptions): Promise<void> {
  const started = Date.now();
  const log = (message: string) => options.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
  const plan = buildCityPlan(options.scale, options.seed);
  log(`city plan: scale ${options.scale}, seed ${options.seed}: ${plan.householdCount} households, ${plan.memberTotal} people`);
  for (const pkg of packages) {
    if (!pkg.generateCity) {
      log(`${pkg.name}: has no city-scale generator; its data is left as it was`);
      continue;
    }
    const begun = Date.now();
    await databases.kysely<any>(pkg.name).transaction().execute((trx) =>
      withoutSecondaryStructures(trx, () => pkg.generateCity!(trx, plan, log), (phase) => log(`${pkg.name}: ${phase}`)),
    );
    log(`${pkg.name}: generated in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
  }
  log(`city data set loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** True when the registry holds no household yet (a fresh database). */
export async function registryIsEmpty(databases: Databases): Promise<boolean> {
  const { rows } = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM household) AS any`.execute(databases.kysely('registry'));
  return !rows[0]?.any;
}
