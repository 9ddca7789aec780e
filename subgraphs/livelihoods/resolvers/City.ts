import type { LivelihoodsContext } from '../context.js';
import { periodKey } from '../loaders.js';
import { periodOf } from './period.js';

/** Hanoi's province code; the graph covers one city. */
export const CITY_CODE = '01';

export const City = {
  __resolveReference: (ref: { code: string }) => (ref.code === CITY_CODE ? { code: CITY_CODE } : null),
  livelihoodFigures: (_: { code: string }, args: { from: string; to: string }, ctx: LivelihoodsContext) =>
    ctx.loaders.cityFigures.load(periodKey(periodOf(args))),
};
