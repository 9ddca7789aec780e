import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFigures } from './figures/index.js';
import { formatTable, runFigureChecks, type FigureResult } from './figures/compare.js';
import { startTestStack, type TestStack } from './support/stack.js';

// The city's published figures, asked of the graph through the gateway. With FULL_SCALE=1
// (as .ci/run sets for its run against the PostgreSQL server) the city-scale data set is
// generated at scale 1 and every figure must match the published number. Without it, the
// data set is generated at scale 0.01 (quick) and every figure's query must run cleanly.
const full = process.env.FULL_SCALE === '1';
const scale = full ? 1 : 0.01;

let stack: TestStack;
let results: FigureResult[];
beforeAll(async () => {
  stack = await startTestStack({ data: 'city', scale });
  results = await runFigureChecks(allFigures, (q) => stack.query(q));
  console.log(`published figures at scale ${scale}:\n${formatTable(results)}`);
}, 1_800_000);
afterAll(async () => {
  await stack?.close();
});

describe(`published figures (data set at scale ${scale})`, () => {
  it('every figure is a query the graph answers', () => {
    expect(results.filter((r) => r.value === null).map((r) => `${r.check.key}: ${r.error}`)).toEqual([]);
  });

  it.runIf(full)('every figure matches the published number', () => {
    expect(results.filter((r) => !r.match).map((r) => `${r.check.key}: ${r.value} vs ${r.check.published}`)).toEqual([]);
  });

  it('covers every figure of published-figures.json that is a number', async () => {
    const json = (await import('./figures/published-figures.json', { with: { type: 'json' } })).default as Record<string, any>;
    const numeric: string[] = [];
    for (const [section, body] of Object.entries(json)) {
      if (typeof body !== 'object' || Array.isArray(body)) continue;
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
        if (key === 'note') continue;
        if (typeof value === 'number' || (typeof value === 'string' && /^(more than|almost)? ?\d/.test(value))) numeric.push(`${section}.${key}`);
        else if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const sub of Object.keys(value)) numeric.push(`${section}.${key}.${sub}`);
        }
      }
    }
    const covered = new Set(allFigures.map((f) => f.key));
    expect(numeric.filter((k) => !covered.has(k))).toEqual([]);
  });
});
