import { derivedShare } from '../../../platform/access/enforce.js';
import { badInput } from '../../../platform/errors.js';
import type { Figures } from '../loaders.js';
import type { PovertyFiguresResolvers } from './types.generated.js';

/** PovertyFigures as GraphQL shows them: the one mapping place from counts to fields. */
export function toPovertyFigures(f: Figures) {
  // No review is not zero: an area and year without a reviewed household has no figures (null),
  // and one without a periodic review has no lists, so its poor and near-poor counts and rates
  // are null too (the status on a date is povertyStatus's, which counts regular reviews).
  const reviewed = f.counts.reviewed > 0;
  const listed = f.counts.periodic > 0;
  const known = (n: number, yes: boolean) => (yes ? n : null);
  const rate = (n: number | null) => (n !== null && f.households ? (n / f.households) * 100 : null);
  const poor = known(f.counts.poor, listed);
  const nearPoor = known(f.counts.near_poor, listed);
  return {
    year: f.year,
    households: f.households,
    reviewedHouseholds: f.counts.reviewed,
    poor,
    nearPoor,
    poorRatePercent: rate(poor),
    nearPoorRatePercent: rate(nearPoor),
    newlyPoor: known(f.counts.newly_poor, reviewed),
    escapedPoverty: known(f.counts.escaped_poverty, reviewed),
    newlyNearPoor: known(f.counts.newly_near_poor, reviewed),
    escapedNearPoverty: known(f.counts.escaped_near_poverty, reviewed),
  };
}

/**
 * An exact rate gives its count away (rate × households): a caller without exact counts gets
 * the rate of the published (perturbed) counts, withheld with a withheld count.
 */
export const PovertyFigures: PovertyFiguresResolvers = {
  poorRatePercent: (f, _, ctx, info) => derivedShare(ctx.auth, info, f, f.poor, f.households, f.poorRatePercent),
  nearPoorRatePercent: (f, _, ctx, info) => derivedShare(ctx.auth, info, f, f.nearPoor, f.households, f.nearPoorRatePercent),
};

export const MAX_TREND_YEARS = 20;

export function yearRange(fromYear: number, toYear: number): number[] {
  if (toYear < fromYear) throw badInput('toYear', `toYear (${toYear}) is before fromYear (${fromYear})`);
  if (toYear - fromYear + 1 > MAX_TREND_YEARS) throw badInput('toYear', `at most ${MAX_TREND_YEARS} years at once`);
  return Array.from({ length: toYear - fromYear + 1 }, (_, i) => fromYear + i);
}
