import { parseArgs } from 'node:util';
import { Databases } from '../db/index.js';
import { loadOperations } from '../platform/operations.js';
import { postGraphQL } from '../tests/support/stack.js';
import { startStack } from '../scripts/stack.js';
import { benches } from '../subgraphs/benches.js';

// tsx bench/scorecard.ts [-- --runs 5]: times the dashboard's commune scorecard and
// city overview through the gateway, and each programme subgraph's share of the scorecard asked
// of that subgraph alone (the `_entities` request the gateway sends it for the 126 communes), on
// the data already in DATA_DIR (or DATABASE_URL). Generate the city data set first, for example
// `DATA_DIR=/tmp/rollup-data npm run generate -- --scale 1`. The first run of each warms the
// caches and is reported apart; the median of the others is the figure to compare.
process.env.LOG_LEVEL ??= 'warn';
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number(values.runs));

const VARIABLES = { from: '2022-01-01', to: '2024-12-31', year: 2024, asOf: '2024-12-31' };

/**
 * Each department's share of the scorecard and of the city overview (subgraphs/<name>/bench.ts).
 * The one that owns the communes and the city (the registry) is asked at the root; the programme
 * subgraphs as the gateway asks them, by `_entities`.
 */
const registry = benches.find((b) => b.scorecard && 'communes' in b.scorecard)!;
const programmes = benches.filter((b) => b !== registry);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(label: string, ask: () => Promise<{ errors?: unknown[] }>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const r = await ask();
    const ms = performance.now() - started;
    if (r.errors) throw new Error(`${label}: ${JSON.stringify(r.errors).slice(0, 500)}`);
    samples.push(ms);
  }
  const [first, ...rest] = samples;
  console.log(
    `${label.padEnd(28)} first ${first!.toFixed(0).padStart(6)} ms   median ${median(rest).toFixed(0).padStart(6)} ms   (${rest.map((s) => s.toFixed(0)).join(', ')})`,
  );
}

const databases = new Databases();
let failed = false;
try {
  console.log(`database: ${databases.describe('credit')}`);
  const started = performance.now();
  // Migrations that have not run yet run now (a rollup migration backfills): timed apart.
  const stack = await startStack({
    databases,
    ports: 'random',
    gatewayPort: 0,
    data: 'none',
    log: (m) => (m.includes('migration') ? console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${m}`) : undefined),
  });
  try {
    const operations = new Map(loadOperations().map((o) => [o.name, o.document]));
    // An administrator's token: without one the gateway runs only the registered operations.
    const token = await stack.auth.mint({ sub: 'bench-scorecard', roles: ['administrator'] }, { expiresInSeconds: 3600 });
    const communes = await postGraphQL<{ communes: Array<{ code: string }> }>(stack.gatewayUrl, '{ communes { code } }', undefined, token);
    const codes = communes.data!.communes.map((c) => c.code);
    if (codes.length !== 126) throw new Error(`expected 126 communes, got ${codes.length}`);
    await time('commune-scorecard (gateway)', () => postGraphQL(stack.gatewayUrl, operations.get('commune-scorecard')!, VARIABLES, token));
    await time('city-overview (gateway)', () => postGraphQL(stack.gatewayUrl, operations.get('city-overview')!, VARIABLES, token));
    await time(`scorecard share: ${registry.name}`, () =>
      postGraphQL(
        stack.subgraphUrls.registry!,
        `query($year: Int!) { communes { code name kind ${registry.scorecard!.fields} } }`,
        { year: VARIABLES.year },
        token,
      ),
    );
    const representations = codes.map((code) => ({ __typename: 'Commune', code }));
    for (const { name, scorecard } of programmes) {
      const url = stack.subgraphUrls[name];
      if (!url || !scorecard) continue;
      const fields = scorecard.fields;
      const query = `query($r: [_Any!]!, $from: Date!, $to: Date!, $year: Int!, $asOf: Date!) {
        _entities(representations: $r) { ... on Commune { ${fields} } } }`;
      const variables = { r: representations, ...VARIABLES };
      // Only the variables the subgraph's share uses: GraphQL refuses unused ones.
      const used = Object.fromEntries(Object.entries(variables).filter(([k]) => k === 'r' || fields.includes(`$${k}`)));
      const declared = query.replace(/, \$(\w+): [A-Za-z]+!/g, (m, k: string) => (k in used ? m : ''));
      await time(`scorecard share: ${name}`, () => postGraphQL(url, declared, used, token));
    }
    await time(`overview share: ${registry.name}`, () =>
      postGraphQL(
        stack.subgraphUrls.registry!,
        `query($year: Int!, $asOf: Date!) { city { ${registry.overview!.fields} } }`,
        {
          year: VARIABLES.year,
          asOf: VARIABLES.asOf,
        },
        token,
      ),
    );
    for (const { name, overview } of programmes) {
      const url = stack.subgraphUrls[name];
      if (!url || !overview) continue;
      const fields = overview.fields;
      const variables = { r: [{ __typename: 'City', code: '01' }], ...VARIABLES };
      const used = Object.fromEntries(Object.entries(variables).filter(([k]) => k === 'r' || fields.includes(`$${k}`)));
      const declared = `query($r: [_Any!]!${Object.keys(used)
        .filter((k) => k !== 'r')
        .map((k) => `, $${k}: ${k === 'year' ? 'Int' : 'Date'}!`)
        .join('')}) {
        _entities(representations: $r) { ... on City { ${fields} } } }`;
      await time(`overview share: ${name}`, () => postGraphQL(url, declared, used, token));
    }
  } finally {
    await stack.stop();
  }
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
} finally {
  await databases.close();
}
process.exit(failed ? 1 : 0);
