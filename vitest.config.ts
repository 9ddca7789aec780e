import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'subgraphs/**/*.test.ts', 'db/**/*.test.ts'] },
      },
      {
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
