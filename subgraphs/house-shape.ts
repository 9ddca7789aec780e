/**
 * The rooms every subgraph folder has (subgraphs/<name>/), so that a developer who learns one
 * department finds the same thing in the same place next door. The scaffold
 * (`npm run new:subgraph`) makes exactly these from scripts/templates/subgraph/, and
 * tests/unit/house-shape.test.ts checks every subgraph folder and the templates against this
 * list. A department adds rooms of its own (rules.ts, consistency.ts, more resolvers) beside them.
 */
export const HOUSE_SHAPE: ReadonlyArray<{ path: string; holds: string }> = [
  { path: 'schema.graphql', holds: 'the SDL: every type and field described, with the privacy directives' },
  { path: 'index.ts', holds: 'the SubgraphPackage: name, SDL, resolvers, migrations, seed, context' },
  { path: 'server.ts', holds: 'the process entry point (npm run start:<name>)' },
  { path: 'context.ts', holds: "the request's context: database, viewer, one DataLoader set" },
  { path: 'loaders.ts', holds: 'the DataLoaders, made once per request' },
  { path: 'repository.ts', holds: 'small functions, one statement each, over its own Postgres schema' },
  { path: 'seed.ts', holds: 'the demo data set' },
  { path: 'db/tables.ts', holds: "kysely's row types of its tables" },
  { path: 'db/migrations/index.ts', holds: 'its migrations, in order (the files beside it are never edited once applied)' },
  { path: 'resolvers/index.ts', holds: 'the resolver map (typed from the SDL), one file per type beside it' },
  { path: 'resolvers/parents.ts', holds: "what each type's resolvers receive as parent, mostly kysely rows (npm run codegen reads it)" },
  { path: 'resolvers/Query.ts', holds: 'its root fields' },
  { path: 'resolvers/Household.ts', holds: 'its fields on the shared Household entity' },
  { path: 'resolvers/Commune.ts', holds: 'its fields on the shared Commune entity' },
  {
    path: 'dashboard.ts',
    holds:
      'its share of the dashboard: its published figures, key figures of the city overview, commune-table columns and rows per year (browser code: no Node, kysely or pg), listed in subgraphs/dashboards.ts',
  },
  {
    path: 'bench.ts',
    holds:
      'its share of the commune scorecard and the city overview for the benchmarks: the fields the gateway asks it and the floor SQL computing them, listed in subgraphs/benches.ts',
  },
  {
    path: 'access.json',
    holds: "its own roles (its officers', with its <name>:write scope), which platform/auth.ts adds to config/access-policy.json's cross-department roles",
  },
  {
    path: 'tests',
    holds: 'its graph tests (<name>.test.ts), and its cells of the access matrix (access.ts) and published figures (figures.ts) where it has them',
  },
];
