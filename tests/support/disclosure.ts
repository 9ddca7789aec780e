import { expect } from 'vitest';
import { DEFAULT_DISCLOSURE } from '../../platform/access/disclosure.js';

/**
 * What a caller without exact counts must see of a count, beside the exact value an analyst
 * sees: zero as zero, 1 to the threshold withheld (null), anything larger perturbed by the cell
 * key's geometric noise (never shown as a small count; the noise's tail makes a deviation above
 * 40 a chance of about 2 in a billion).
 */
export function expectPublicCount(shown: unknown, exact: number | null, label: string, threshold = 4): 'withheld' | 'shown' | 'zero' {
  if (exact === null) {
    expect(shown, label).toBeNull();
    return 'withheld';
  }
  if (exact === 0) {
    expect(shown, label).toBe(0);
    return 'zero';
  }
  if (exact <= threshold) {
    expect(shown, label).toBeNull();
    return 'withheld';
  }
  expect(shown, label).toEqual(expect.any(Number));
  expect(shown as number, label).toBeGreaterThan(threshold);
  expect(Math.abs((shown as number) - exact), label).toBeLessThanOrEqual(40);
  return 'shown';
}

/**
 * An amount of money a caller without exact counts sees: null when a count beside it is
 * withheld, else the exact amount rounded to the public money unit (100 million đồng).
 */
export function expectPublicAmount(shown: unknown, exact: string | number, besideWithheld: boolean, label: string): void {
  if (besideWithheld) {
    expect(shown, label).toBeNull();
    return;
  }
  const unit = BigInt(DEFAULT_DISCLOSURE.moneyUnit);
  const value = BigInt(exact);
  expect(typeof shown, label).toBe('string');
  expect(BigInt(shown as string) % unit, label).toBe(0n);
  const diff = BigInt(shown as string) - value;
  expect(diff <= unit / 2n && diff >= -unit / 2n, `${label}: ${String(shown)} is ${String(exact)} rounded`).toBe(true);
}
