import type { LivelihoodsContext } from '../context.js';
import { periodKey } from '../loaders.js';
import { periodOf } from './period.js';

/** The registry owns communes; this subgraph only adds fields keyed by the code. */
export const Commune = {
  __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
  livelihoodFigures: (c: { code: string }, args: { from: string; to: string }, ctx: LivelihoodsContext) =>
    ctx.loaders.communeFigures.load(`${c.code}|${periodKey(periodOf(args))}`),
  livelihoodHighTechModels: (c: { code: string }, _: unknown, ctx: LivelihoodsContext) => ctx.loaders.modelsByCommune.load(c.code),
};
