import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GENERATED, generatedFiles, OPERATION_TYPES, subgraphNames } from '../../scripts/codegen.js';
import type { LivelihoodProjectResolvers } from '../../subgraphs/livelihoods/resolvers/types.generated.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The resolver types are generated from each SDL (`npm run codegen`) and committed, so that a
 * fresh clone type-checks before anything runs; so are the registered operations' result and
 * variable types, from schema/operations/*.graphql and the supergraph's API schema. Stale types
 * would check resolvers against an SDL, or the dashboard against answers, that are no longer
 * there: this regenerates them in memory and compares.
 */
describe('generated types', () => {
  it('exist for every subgraph and the operations, and match the SDL, parents, enums and operations (else run `npm run codegen`)', async () => {
    const names = subgraphNames();
    expect(names.length).toBeGreaterThanOrEqual(6);
    const files = await generatedFiles(names);
    expect([...files.keys()].sort()).toEqual([...names.map((n) => path.join('subgraphs', n, GENERATED)), OPERATION_TYPES].sort());
    for (const [file, text] of files) {
      const committed = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : '(missing)';
      expect(committed === text, `${file} is stale: run npm run codegen`).toBe(true);
    }
  }, 120_000);
});

// Checked by `tsc -p .` (npm test runs it first), not at run time: a resolver for a field the SDL
// does not have is a type error, so this directive is used; were the contract gone, tsc would
// report it unused.
export const misspelt: LivelihoodProjectResolvers = {
  // @ts-expect-error `fundingSorce` is not a field of LivelihoodProject
  fundingSorce: (p: { funding_source: string }) => p.funding_source,
};
