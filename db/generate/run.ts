import { sql, type Kysely } from 'kysely';
import { schemaName } from '../config.js';
import type { AnyTables, Databases } from '../index.js';
import { withoutSecondaryStructures } from '../bulk.js';
import type { EmbeddedEngine } from '../embedded.js';
import { buildCityPlan, type CityPlan } from './plan.js';
import { generateInWorkers, type GeneratorJob } from './workers.js';

/**
 * What the load needs of a subgraph: its name and generator. Declared here, below the platform,
 * so that db/ imports nothing above it (platform/subgraph.ts's SubgraphPackage extends it).
 */
export interface CityDataSource<DB = AnyTables> {
  name: string;
  /**
   * Replaces the subgraph's data with its share of the city-scale data set drawn from `plan`
   * (`npm run generate`). Writes only the subgraph's own schema.
   */
  generateCity?(db: Kysely<DB>, plan: CityPlan, log: (message: string) => void): Promise<void>;
  /**
   * The module that exports generateCity, for the load that runs generators in worker threads
   * (workers.ts); without it the generator runs on the main thread.
   */
  cityGenerator?: URL;
}

export interface GenerateOptions {
  scale: number;
  seed: number;
  log: (message: string) => void;
  /**
   * Generators in worker threads on the embedded database (workers.ts); by default when every
   * subgraph is on it and names its generator's module. Otherwise one after the other here.
   */
  workers?: boolean;
}

/**
 * Replaces every subgraph's data with its share of the city data set: one plan, then each
 * subgraph's generator, with the schema's foreign keys and secondary indexes dropped for the
 * load and restored after it (bulk.ts). The subgraphs must be migrated. Each step is printed as
 * it ends, with the seconds since the generation began.
 *
 * On the embedded database the generators run at once in worker threads and the load is one
 * transaction on each embedded database, all committed together (workers.ts); on a server each runs here in a transaction of its own on its own schema (so
 * a failure leaves that subgraph as it was).
 */
export async function generateCityData(databases: Databases, packages: readonly CityDataSource[], options: GenerateOptions): Promise<void> {
  const started = Date.now();
  const log = (message: string) => options.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
  const plan = buildCityPlan(options.scale, options.seed);
  log(`city plan: scale ${options.scale}, seed ${options.seed}: ${plan.householdCount} households, ${plan.memberTotal} people`);
  const generating = packages.filter((pkg) => {
    if (!pkg.generateCity) log(`${pkg.name}: has no city-scale generator; its data is left as it was`);
    return pkg.generateCity !== undefined;
  });
  const inWorkers = options.workers ?? generating.every((pkg) => pkg.cityGenerator && databases.isEmbedded(pkg.name));
  if (inWorkers) {
    const jobs = generating.map((pkg): GeneratorJob => ({ subgraph: pkg.name, schema: schemaName(pkg.name), module: pkg.cityGenerator!.href }));
    const engines = new Map<string, EmbeddedEngine>();
    for (const job of jobs) engines.set(job.schema, (await databases.embeddedEngine(job.subgraph))!);
    await generateInWorkers(engines, workerGroups(jobs), plan, log);
  } else {
    for (const pkg of generating) {
      const begun = Date.now();
      await databases
        .kysely<AnyTables>(pkg.name)
        .transaction()
        .execute((trx) =>
          withoutSecondaryStructures(
            trx,
            () => pkg.generateCity!(trx, plan, log),
            (phase) => log(`${pkg.name}: ${phase}`),
          ),
        );
      log(`${pkg.name}: generated in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    }
  }
  log(`city data set loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The jobs as worker groups: one worker per subgraph. A worker costs its own start (loading
 * the generator's modules) and memory; the subgraphs with little to build share one.
 */
function workerGroups(jobs: GeneratorJob[]): GeneratorJob[][] {
  return jobs.map((job) => [job]);
}

/** True when the registry holds no household yet (a fresh database). */
export async function registryIsEmpty(databases: Databases): Promise<boolean> {
  const { rows } = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM household) AS any`.execute(databases.kysely('registry'));
  return !rows[0]?.any;
}
