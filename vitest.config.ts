import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Node loads graphql's CommonJS build for @apollo/* and for our code alike; Vite would give our
// code the ESM build (the "module" field) and so a second graphql, whose schemas and types fail
// graphql's instanceof checks. One graphql, as in production.
const graphqlMain = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlMain }] },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'subgraphs/**/*.test.ts', 'db/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/*.test.ts'],
          // Each file starts the graph (embedded PostgreSQL boots in a few seconds).
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
