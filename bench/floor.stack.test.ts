import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../platform/operations.js';
import { benches } from '../subgraphs/benches.js';
import { startTestStack, type TestStack } from '../tests/support/stack.js';
import { compareWithFloor, FLOORS, runFloorWith, type FloorVariables } from './floor.js';

// The floor (bench/floor.ts, from each department's subgraphs/<name>/bench.ts) against the
// federated answer on the demo data: every figure the operation answers is computed by the
// floor (a department that leaves a field out of its share would leave it unchecked by the
// benchmark), and each equals the graph's. Each statement runs on its own department's database,
// as it could live apart.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** The leaves of an answer (numbers, strings, nulls), skipping the city's name: the floor computes figures only. */
function leaves(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
  return at === 'city.name' ? [] : [at];
}

describe('the floor', () => {
  const operations = new Map(loadOperations().map((o) => [o.name, o]));

  it.each(FLOORS.map((f) => [f.operation, f] as const))('computes every figure of %s, each equal to the federated answer', async (name, floor) => {
    const op = operations.get(name)!;
    const variables = op.variables as unknown as FloorVariables;
    const answer = await stack.query(op.document, op.variables);
    expect(answer.errors).toBeUndefined();
    const computed = await runFloorWith(
      async (s) => (await stack.databases.kysely(s.subgraph).executeQuery<{ value: unknown }>(CompiledQuery.raw(s.text, s.values))).rows[0]?.value,
      floor,
      variables,
    );
    const comparison = compareWithFloor(answer.data, computed);
    expect(comparison.mismatches).toEqual([]);
    // Every leaf of the answer has its figure in the floor (a null the graph gives where the floor
    // has a number, as for a commune without a review in the year, is counted apart, as withheld).
    expect(comparison.checked).toBe(leaves(answer.data).length);
    expect(comparison.checked).toBeGreaterThan(50);
  });

  it('runs one statement per department with a share, each on its own schema only', () => {
    const names = benches.map((b) => b.name);
    const v = operations.get('commune-scorecard')!.variables as unknown as FloorVariables;
    for (const floor of FLOORS) {
      const statements = floor.statements(v);
      expect(statements.map((s) => s.subgraph)).toEqual(names);
      for (const s of statements) {
        const schemas = new Set([...s.text.matchAll(new RegExp(`\\b(${names.join('|')})\\.\\w`, 'g'))].map((m) => m[1]));
        expect([...schemas], `${floor.operation}, ${s.subgraph}`).toEqual([s.subgraph]);
      }
    }
  });
});
