import { resolveCityReference } from '../../../platform/city.js';
import type { LivelihoodsContext } from '../context.js';
import { periodKey } from '../loaders.js';
import { periodOf } from './period.js';

export const City = {
  __resolveReference: resolveCityReference,
  livelihoodFigures: (_: { code: string }, args: { from: string; to: string }, ctx: LivelihoodsContext) =>
    ctx.loaders.cityFigures.load(periodKey(periodOf(args))),
};
