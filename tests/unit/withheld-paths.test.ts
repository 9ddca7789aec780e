import { describe, expect, it } from 'vitest';
import { withheldPaths } from '../../gateway/withheld.js';

// The subgraphs report withheld counts at paths of their own answers; the gateway must find the
// same places in the final answer, or it would label a count null for another reason (no list
// drawn) as withheld, or miss one.
describe('withheldPaths', () => {
  const data = {
    city: { name: 'Hà Nội' },
    communes: [{ code: '1', households: [{ id: 'a' }, { id: 'b' }] }, null, { code: '3', households: [{ id: 'c' }] }],
  };
  const paths = (notes: Parameters<typeof withheldPaths>[0]) => [...withheldPaths(notes, data)].map((p) => JSON.parse(p) as unknown);

  it('places a root fetch’s paths under its place in the request', () => {
    expect(paths([{ at: [], paths: [['communes', 2, 'povertyFigures', 'poor']] }])).toEqual([['communes', 2, 'povertyFigures', 'poor']]);
  });

  it('maps an entity fetch’s i-th entity to the i-th object along its plan path, skipping null items', () => {
    expect(
      paths([
        {
          at: ['communes', '@'],
          paths: [
            ['_entities', 0, 'creditFigures', 'loans'],
            ['_entities', 1, 'creditFigures', 'loans'],
          ],
        },
      ]),
    ).toEqual([
      ['communes', 0, 'creditFigures', 'loans'],
      ['communes', 2, 'creditFigures', 'loans'],
    ]);
  });

  it('flattens nested lists in order', () => {
    expect(paths([{ at: ['communes', '@', 'households', '@'], paths: [['_entities', 2, 'x']] }])).toEqual([['communes', 2, 'households', 0, 'x']]);
  });

  it('drops an entity index the answer does not have', () => {
    expect(paths([{ at: ['communes', '@'], paths: [['_entities', 7, 'x']] }])).toEqual([]);
  });
});
