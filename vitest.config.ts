import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

// Node loads graphql's CommonJS build for @apollo/* and for our code alike; Vite would give our
// code the ESM build (the "module" field) and so a second graphql, whose schemas and types fail
// graphql's instanceof checks. One graphql, as in production.
const graphqlMain = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlMain }] },
  // The dashboard's modules import schema/operations/*.graphql as text (esbuild's text loader in
  // the page bundle); tests that import those modules read them the same way.
  plugins: [
    { name: 'graphql-as-text', transform: (code: string, id: string) => (id.endsWith('.graphql') ? `export default ${JSON.stringify(code)};` : undefined) },
  ],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'subgraphs/*/*.test.ts', 'db/**/*.test.ts', 'bench/**/*.test.ts'],
          // A benchmark's test that starts the graph (*.stack.test.ts) is an integration test.
          exclude: [...configDefaults.exclude, '**/*.stack.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // A department's own graph tests live in its folder (subgraphs/<name>/tests/).
          include: [
            'tests/*.test.ts',
            'tests/attacks/**/*.test.ts',
            'tests/resilience/**/*.test.ts',
            'subgraphs/*/tests/*.test.ts',
            'bench/**/*.stack.test.ts',
          ],
          // Each file starts the graph (embedded PostgreSQL boots in a few seconds).
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
