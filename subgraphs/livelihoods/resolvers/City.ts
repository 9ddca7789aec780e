import { resolveCityReference } from '../../../platform/city.js';
import { periodOf } from './period.js';
import type { CityResolvers } from './types.generated.js';

export const City: CityResolvers = {
  __resolveReference: resolveCityReference,
  livelihoodFigures: (_, args, ctx) => ctx.loaders.cityFigures.load(periodOf(args)),
};
