import fs from 'node:fs';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
// The one deep import of @apollo/subgraph (its main entry does not export the resolver map's
// type); only toResolverMap below uses it.
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type DocumentNode, type GraphQLFieldResolver } from 'graphql';
import type { Kysely, Migration } from 'kysely';
import type { CityDataSource } from '../db/generate/run.js';
import { stringifyResult } from './json-answer.js';
import type { RequestAuth } from './access/request.js';
import { accessRules } from './access/rules.js';
import { enforceFieldRules } from './access/enforce.js';
import { accessPlugin } from './access/plugin.js';
import { limitsFromEnv, subgraphLimits, type RequestLimits } from './limits.js';
import { errorsPlugin, formatErrorSafely } from './errors.js';
import type { Observability } from './observability.js';
import { withIdempotentMutations } from './writes.js';
import { guardTextInputs } from './inputs.js';
import type { KeptResponses } from './kept-responses.js';
import { migrateSubgraph, type AnyTables } from '../db/index.js';
import { ensureRollupsCurrent, type RollupsOf } from './rollups.js';

/**
 * A department's resolvers, typed by its generated `Resolvers` (resolvers/types.generated.ts,
 * `npm run codegen`): one object per GraphQL type, or a scalar.
 */
export type DepartmentResolvers = Record<string, object | undefined>;

/**
 * The one place where a department's typed resolvers meet @apollo/subgraph's untyped map. The
 * generated types are narrower than GraphQLResolverMap (typed parents and arguments, federation's
 * `__resolveReference(reference, context, info)`, optional entries), so TypeScript cannot relate
 * the two, but they describe the same objects at run time.
 */
function toResolverMap<TContext>(resolvers: DepartmentResolvers): GraphQLResolverMap<TContext> {
  return resolvers as GraphQLResolverMap<TContext>;
}

/** What `buildSubgraph` returns: everything needed to serve or compose one subgraph. */
/** What the platform needs of every subgraph's per-request context; each adds its loaders. */
export type SubgraphContext = BaseContext & { auth: RequestAuth };

export interface BuiltSubgraph<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: DepartmentResolvers;
  /** The per-request context (one DataLoader set per request), around the caller's access state. */
  createContext(auth: RequestAuth): Promise<TContext>;
  /** Whole answers of queries that read only kept figures, served again (kept-responses.ts). */
  keptResponses?: KeptResponses;
}

/** Lets a subgraph ask another (the registry, for household identity) over HTTP. */
export interface PeerUrls {
  registry: string;
}

export interface SubgraphDeps<DB> {
  db: Kysely<DB>;
  peers: PeerUrls;
  /** Headers that identify this subgraph (the `service` role) when it asks a peer. */
  serviceHeaders: () => Promise<Record<string, string>>;
}

/** One department's subgraph as the platform sees it: start-up, migrations, demo data. */
export interface SubgraphPackage<DB = AnyTables> extends CityDataSource<DB> {
  /** Port when started by `npm start` or alone; `<NAME>_PORT` overrides it. */
  defaultPort: number;
  /** The SDL file (composition reads it without starting anything). */
  schemaFile: URL;
  migrations: Record<string, Migration>;
  /**
   * Its rollups, declared (platform/rollups.ts): kept by its writes, written by its generator and
   * demo data, rebuilt at start when a rule's version changed.
   */
  rollups?: ReadonlyArray<RollupsOf<DB>>;
  /** Writes the small demo data set; does nothing when it is already there. */
  seedDemo(db: Kysely<DB>): Promise<void>;
  buildSubgraph(deps: SubgraphDeps<DB>): BuiltSubgraph<SubgraphContext>;
}

/**
 * Brings a subgraph's schema up to date: its migrations, then its rollups where a rule changed
 * since they were derived. Every start, the generator and `npm run migrate` go through here.
 */
export async function prepareSchema(db: Kysely<AnyTables>, pkg: SubgraphPackage, log: (message: string) => void = () => {}): Promise<void> {
  await migrateSubgraph(db, pkg.name, pkg.migrations, log);
  await ensureRollupsCurrent(db, pkg.rollups ?? [], (m) => log(`${pkg.name}: ${m}`));
}

export function loadTypeDefs(file: URL): DocumentNode {
  return parse(fs.readFileSync(file, 'utf8'));
}

/**
 * An Apollo server for one subgraph. Apollo's usage and schema reporting are off explicitly (no
 * call leaves the machine even when APOLLO_KEY happens to be set), and so is the default
 * landing page, which loads its page from a CDN.
 *
 * Access control is enforced here, by the subgraph that owns the data, whoever calls it (the
 * gateway or anyone who reaches the port): the SDL's `@access`, `@personal` and `@count`
 * directives, and `<subgraph>:write` for its mutations (platform/access/rules.ts).
 */
export function createSubgraphServer<TContext extends SubgraphContext>(
  built: BuiltSubgraph<TContext>,
  options: {
    observability?: Observability;
    audit?: (context: TContext) => Promise<void>;
    recordRefusal?: (context: TContext, fields: string[], code: string) => Promise<void>;
    introspection?: boolean;
    limits?: RequestLimits;
  } = {},
): ApolloServer<TContext> {
  const { observability } = options;
  // Every mutation may carry an idempotency key (writes.ts).
  const typed = toResolverMap<TContext>(built.resolvers);
  const resolvers = typed.Mutation
    ? { ...typed, Mutation: withIdempotentMutations(typed.Mutation as Record<string, GraphQLFieldResolver<unknown, TContext>>) }
    : typed;
  const schema = buildSubgraphSchema([{ typeDefs: built.typeDefs, resolvers }]);
  // Every text argument checked against one rule before anything runs (inputs.ts).
  guardTextInputs(schema);
  const rules = accessRules(built.typeDefs, built.name);
  enforceFieldRules(schema, rules);
  return new ApolloServer<TContext>({
    schema,
    introspection: options.introspection ?? true,
    // Our processes handle SIGINT/SIGTERM themselves and stop every server in order; Apollo's
    // own handler would race that stop and hang it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: process.env.NODE_ENV === 'development',
    formatError: formatErrorSafely,
    // A large answer written in parts, never one string (json-answer.ts).
    stringifyResult,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // Traces for Apollo's cloud reporting, which we never send.
      ApolloServerPluginInlineTraceDisabled(),
      // Cache-control hints, which nothing here reads (no CDN, no response cache plugin): the
      // plugin's per-field hook made Apollo wrap every resolver of the schema and chain a
      // promise on each field's result, a tenth of a scorecard fetch's CPU (issue 19).
      ApolloServerPluginCacheControlDisabled(),
      ...(observability ? [observability.plugin<TContext>()] : []),
      ...(observability ? [errorsPlugin<TContext>(observability.logger)] : []),
      accessPlugin<TContext>({
        rules,
        limits: subgraphLimits(options.limits ?? limitsFromEnv()),
        ...(options.audit ? { audit: options.audit } : {}),
        ...(options.recordRefusal ? { recordRefusal: options.recordRefusal } : {}),
        ...(observability ? { log: (message: string, error: unknown) => observability.logger.error({ err: error }, message) } : {}),
      }),
      // Apollo runs every plugin's didResolveOperation (the access plugin's refusals) before
      // any responseForOperation, so a kept response never skips the access checks.
      ...(built.keptResponses ? [built.keptResponses.plugin<TContext>()] : []),
    ],
  });
}

export function portFor(pkg: { name: string; defaultPort: number }, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[`${pkg.name.toUpperCase()}_PORT`];
  return value ? Number(value) : pkg.defaultPort;
}
