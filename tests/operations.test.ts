import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../schema/operations.js';
import { startTestStack, type TestStack } from './support/stack.js';

const operations = loadOperations();

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('dashboard operations (schema/operations)', () => {
  it('are the ones the dashboard and the playground use', () => {
    expect(operations.map((o) => o.name)).toEqual([
      'city-overview',
      'commune-household-records',
      'commune-households',
      'commune-scorecard',
      'commune-years',
      'coverage-gaps',
      'household-360',
      'published-figures',
      'what-if',
    ]);
  });

  it.each(operations.map((o) => [o.name, o] as const))('%s runs through the gateway with its example variables', async (_name, op) => {
    const r = await stack.query(op.document, op.variables);
    expect(r.errors).toBeUndefined();
    const root = Object.values(r.data ?? {})[0];
    expect(root).toBeTruthy();
    if (Array.isArray(root)) expect(root.length).toBe(126);
  });
});
