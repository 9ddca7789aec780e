import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../platform/operations.js';
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
  it('each says what it is for and gives example variables (the playground and the public catalogue show both)', () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const op of operations) {
      expect(op.document, op.name).toMatch(/^# \S/);
      expect(op.document, op.name).toMatch(/Variables: \{/);
    }
  });

  it.each(operations.map((o) => [o.name, o] as const))('%s runs through the gateway with its example variables', async (_name, op) => {
    const r = await stack.query(op.document, op.variables);
    expect(r.errors).toBeUndefined();
    const root = Object.values(r.data ?? {})[0];
    expect(root).toBeTruthy();
    if (Array.isArray(root)) expect(root.length).toBe(126);
  });
});
