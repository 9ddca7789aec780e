import crypto from 'node:crypto';
import { badInput } from '../errors.js';
import { internalKey } from '../secrets.js';

/**
 * Statistical disclosure control for callers without exact counts (the public): the design and
 * its reasoning are in docs/privacy.md. In short:
 *
 * 1. Primary suppression: a count from 1 to the threshold (4) is withheld (null).
 * 2. Every other count is perturbed by noise drawn from a two-sided geometric distribution
 *    (P(e = k) ∝ ratio^|k|: the geometric mechanism of differential privacy), fixed for each cell
 *    by the cell's key as in the cell-key method of the Australian Bureau of Statistics'
 *    TableBuilder and the UK's 2021 Census tables: an HMAC, with a key only the deployment
 *    holds, of where the count belongs (its area: a commune, the city) and its true value. The
 *    same cell reached by any path, in any process, gets the same published value, so asking
 *    again or another way never averages the noise away. The noise has no hard bound: a caller
 *    who subtracts published counts from a published total (a city minus its communes, a total
 *    minus its parts, a span minus its years) gets an estimate of a withheld count whose
 *    likelihood falls by `ratio` for each unit it is off, never a certainty. The attack suite
 *    (tests/attacks/) measures the confidence a caller reaches this way.
 * 3. Money summed over households (`@amount`) is rounded to a coarse unit (100 million đồng),
 *    and withheld with any small count beside it, so that an amount cannot be divided by a fixed
 *    unit amount to give a count back; rates are computed from the published counts.
 * 4. Periods are fixed: whole calendar years and a few reporting spans; dates at quarter ends.
 *    Arbitrary date ranges would let a caller difference two periods down to one day, and many
 *    overlapping spans would give many independent readings of one year to average.
 *
 * Zeros stay zero (a structural zero is not a disclosure, and perturbing it would invent
 * records). Callers with `counts:exact` see every value as recorded.
 */
export interface DisclosurePolicy {
  /** Counts from 1 to this are withheld. */
  threshold: number;
  /** The geometric noise's ratio (0 to 1): each unit further from zero is this much less likely. */
  noiseRatio: number;
  /** Public money amounts are rounded to a multiple of this (đồng). */
  moneyUnit: number;
  /** The multi-year periods a public caller may ask for, besides single calendar years: [from, to] years. */
  publicSpans: ReadonlyArray<readonly [number, number]>;
}

export const DEFAULT_DISCLOSURE: Omit<DisclosurePolicy, 'threshold'> = {
  noiseRatio: 0.6,
  moneyUnit: 100_000_000,
  publicSpans: [
    [2021, 2024],
    [2022, 2024],
    [2021, 2025],
  ],
};

/** A uniform number in [0, 1) drawn from the cell's key: its area and its true value. */
function cellKey(anchor: string, value: number | string): number {
  const mac = crypto.createHmac('sha256', internalKey('disclosure')).update(`${anchor}\u0000${value}`).digest();
  return mac.readUIntBE(0, 6) / 2 ** 48;
}

/** The noise at quantile u of the two-sided geometric distribution with this ratio. */
export function geometricNoise(u: number, ratio: number): number {
  if (ratio <= 0) return 0;
  const p0 = (1 - ratio) / (1 + ratio);
  // P(e <= -k - 1) = ratio^(k+1) / (1 + ratio) for k >= 0; symmetric above.
  let acc = 0;
  for (let k = -200; k <= 200; k++) {
    acc += p0 * ratio ** Math.abs(k);
    if (u < acc) return k;
  }
  return 0;
}

/**
 * The count a caller without exact counts sees: null when withheld (1 to the threshold), zero
 * as zero, any other count perturbed by its cell key and never published as a small count.
 */
export function publicCount(value: number, anchor: string, policy: DisclosurePolicy): number | null {
  if (value <= 0) return value;
  if (value <= policy.threshold) return null;
  return Math.max(policy.threshold + 1, value + geometricNoise(cellKey(anchor, value), policy.noiseRatio));
}

/** A money amount rounded to the policy's unit, in the representation it came in. */
export function publicAmount<T extends number | string | bigint>(value: T, policy: DisclosurePolicy): T {
  const unit = BigInt(policy.moneyUnit);
  const exact = BigInt(value);
  const half = unit / 2n;
  const rounded = exact >= 0n ? ((exact + half) / unit) * unit : -(((-exact + half) / unit) * unit);
  if (typeof value === 'bigint') return rounded as T;
  if (typeof value === 'string') return rounded.toString() as T;
  return Number(rounded) as T;
}

/** A share (percent) from the published counts, so that it gives no exact count away. */
export function publicShare(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole === 0) return null;
  return (part / whole) * 100;
}

const YEAR_START = /^(\d{4})-01-01$/;
const YEAR_END = /^(\d{4})-12-31$/;
const QUARTER_END = /^\d{4}-(03-31|06-30|09-30|12-31)$/;

/**
 * Refuses, naming the argument, a period a caller without exact counts may not ask for: `from`
 * and `to` must be one whole calendar year or one of the policy's reporting spans (`fromYear`
 * and `toYear` likewise); `asOf` must be a quarter's last day.
 */
export function checkPublicPeriod(args: Record<string, unknown>, policy: DisclosurePolicy, options: { yearsAreOneTotal: boolean }): void {
  const { from, to, asOf, fromYear, toYear } = args as { from?: unknown; to?: unknown; asOf?: unknown; fromYear?: unknown; toYear?: unknown };
  const spans = policy.publicSpans.map(([a, b]) => `${a}-${b}`).join(', ');
  const explain = `without a token with exact counts, periods are one whole calendar year (1 January to 31 December) or one of the reporting spans ${spans}`;
  const allowed = (a: number, b: number) => a === b || policy.publicSpans.some(([x, y]) => x === a && y === b);
  if (typeof from === 'string' || typeof to === 'string') {
    const a = typeof from === 'string' ? YEAR_START.exec(from)?.[1] : undefined;
    const b = typeof to === 'string' ? YEAR_END.exec(to)?.[1] : undefined;
    if (typeof from === 'string' && !a) throw badInput('from', `from is ${from}: ${explain}`);
    if (typeof to === 'string' && !b) throw badInput('to', `to is ${to}: ${explain}`);
    if (a && b && !allowed(Number(a), Number(b))) throw badInput('from', `from ${from as string} to ${to as string}: ${explain}`);
  }
  // A trend (a list with one item a year) is single years; only a total over years is a span.
  if (options.yearsAreOneTotal && typeof fromYear === 'number' && typeof toYear === 'number' && !allowed(fromYear, toYear)) {
    throw badInput('fromYear', `fromYear ${fromYear} to toYear ${toYear}: ${explain}`);
  }
  if (typeof asOf === 'string' && !QUARTER_END.test(asOf)) {
    throw badInput(
      'asOf',
      `asOf is ${asOf}: without a token with exact counts, figures on a date are given at the end of a quarter (31 March, 30 June, 30 September or 31 December)`,
    );
  }
}
