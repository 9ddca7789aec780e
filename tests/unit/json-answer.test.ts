import { describe, expect, it } from 'vitest';
import { JsonBytes, stringifyResult } from '../../platform/json-answer.js';
import { Random } from '../../db/random.js';

// platform/json-answer.ts writes a large answer in parts instead of one string. Whatever the
// answer, the bytes must be JSON.stringify's and a newline, as Apollo Server's own
// stringifyResult gives them.

const text = (value: unknown): string => {
  const result: unknown = stringifyResult(value);
  return result instanceof JsonBytes ? result.bytes.toString('utf8') : (result as string);
};

/** A page of households as the coverage-gaps operation answers it, with Vietnamese names. */
function page(households: number): unknown {
  const names = ['Phường Hoàn Kiếm', 'Xã Sóc Sơn', 'Phường Ba Đình', 'Xã Đông Anh'];
  return {
    errors: undefined,
    data: {
      households: {
        totalCount: households * 3,
        pageInfo: { hasNextPage: true, endCursor: 'Y3Vyc29yOjk5' },
        edges: Array.from({ length: households }, (_, i) => {
          const node = Object.create(null) as Record<string, unknown>; // graphql-js's result objects have no prototype
          node.id = `SG91c2Vob2xkOj${i}`;
          node.commune = { code: String(i).padStart(5, '0'), name: names[i % names.length] };
          node.members = Array.from({ length: 4 }, (_, j) => ({ id: `TWVtYmVyOj${i}${j}` }));
          node.socialSupport = { healthInsuranceCards: [{ member: { id: `TWVtYmVyOj${i}0` }, validFrom: '2024-01-01', validTo: null }] };
          node.loans = i % 3 ? [] : [{ id: `TG9hbjo${i}`, amount: 12.5e6, note: 'vay "hộ nghèo"\n\u2028' }];
          return { node };
        }),
      },
    },
    extensions: { withheld: [{ path: ['households', 'totalCount'], reason: 'small cell' }] },
  };
}

/** A random JSON-like value, with what JSON.stringify treats specially. */
function randomValue(random: Random, depth: number): unknown {
  const pick = random.int(0, depth > 2 ? 6 : 10);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random.int(-1e6, 1e6) / random.int(1, 7);
    case 2:
      return random.int(0, 1) === 1;
    case 3:
      return ['', 'a', 'Đống Đa', '"\\\n\t\u0001', '\ud83d\ude00', '\ud800', String.fromCharCode(random.int(0, 0xffff))][random.int(0, 6)];
    case 4:
      return [undefined, NaN, -0, Infinity][random.int(0, 3)];
    case 5:
      return new Date(Date.UTC(2024, random.int(0, 11), random.int(1, 28)));
    case 6:
      return random.int(0, 9) === 0 ? 'ký'.repeat(random.int(0, 20_000)) : 'x';
    case 7:
    case 8:
      return Array.from({ length: random.int(0, 12) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = random.int(0, 6); i > 0; i--) object[['a', 'b', 'ký tự', '"q"', '1', 'fn'][random.int(0, 5)]!] = randomValue(random, depth + 1);
      if (random.int(0, 5) === 0) object.fn = () => 1;
      return object;
    }
  }
}

describe('a large answer written in parts (json-answer.ts)', () => {
  it('gives a small answer as one string, exactly as Apollo Server does', () => {
    const value = { data: { city: { name: 'Hà Nội' } }, errors: undefined };
    const result: unknown = stringifyResult(value);
    expect(typeof result).toBe('string');
    expect(result).toBe(JSON.stringify(value) + '\n');
  });

  it('gives a page of 100 and of 1000 households as bytes, byte for byte JSON.stringify', () => {
    for (const households of [100, 1000]) {
      const value = page(households);
      const result: unknown = stringifyResult(value);
      expect(result).toBeInstanceOf(JsonBytes);
      expect((result as JsonBytes).bytes.equals(Buffer.from(JSON.stringify(value) + '\n', 'utf8'))).toBe(true);
      // Read as a string (batched answers join them), it is the text.
      expect(`${result as string}`).toBe(JSON.stringify(value) + '\n');
    }
  });

  it('writes random values, large and small, as JSON.stringify does', () => {
    const random = new Random(19);
    let large = 0;
    for (let i = 0; i < 300; i++) {
      const value = { data: randomValue(random, 0), big: Array.from({ length: random.int(0, 3) }, () => randomValue(random, 0)) };
      const written = text(value);
      expect(written).toBe(JSON.stringify(value) + '\n');
      if (written.length >= 32_768) large++;
    }
    // Both paths were taken.
    expect(large).toBeGreaterThan(10);
    expect(large).toBeLessThan(300);
  });
});
