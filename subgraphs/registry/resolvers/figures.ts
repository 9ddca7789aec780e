import type { GraphQLResolveInfo } from 'graphql';
import { derivedShare } from '../../common/enforce.js';
import { badInput } from '../../common/errors.js';
import type { RegistryContext } from '../context.js';
import type { Figures } from '../loaders.js';

/** PovertyFigures as GraphQL shows them: the one mapping place from counts to fields. */
export function toPovertyFigures(f: Figures) {
  const rate = (n: number) => (f.households ? (n / f.households) * 100 : null);
  return {
    year: f.year,
    households: f.households,
    reviewedHouseholds: f.counts.reviewed,
    poor: f.counts.poor,
    nearPoor: f.counts.near_poor,
    poorRatePercent: rate(f.counts.poor),
    nearPoorRatePercent: rate(f.counts.near_poor),
    newlyPoor: f.counts.newly_poor,
    escapedPoverty: f.counts.escaped_poverty,
    newlyNearPoor: f.counts.newly_near_poor,
    escapedNearPoverty: f.counts.escaped_near_poverty,
  };
}

type PovertyFiguresShape = ReturnType<typeof toPovertyFigures>;

/**
 * An exact rate gives its count away (rate × households): a caller without exact counts gets
 * the rate of the published (perturbed) counts, withheld with a withheld count.
 */
export const PovertyFigures = {
  poorRatePercent: (f: PovertyFiguresShape, _: unknown, ctx: RegistryContext, info: GraphQLResolveInfo) =>
    derivedShare(ctx.auth, info, f, f.poor, f.households, f.poorRatePercent),
  nearPoorRatePercent: (f: PovertyFiguresShape, _: unknown, ctx: RegistryContext, info: GraphQLResolveInfo) =>
    derivedShare(ctx.auth, info, f, f.nearPoor, f.households, f.nearPoorRatePercent),
};

export const MAX_TREND_YEARS = 20;

export function yearRange(fromYear: number, toYear: number): number[] {
  if (toYear < fromYear) throw badInput('toYear', `toYear (${toYear}) is before fromYear (${fromYear})`);
  if (toYear - fromYear + 1 > MAX_TREND_YEARS) throw badInput('toYear', `at most ${MAX_TREND_YEARS} years at once`);
  return Array.from({ length: toYear - fromYear + 1 }, (_, i) => fromYear + i);
}
