import type { HousingContext } from '../context.js';
import { parseId } from '../../common/ids.js';

export const Query = {
  housingCase: (_: unknown, { id }: { id: string }, ctx: HousingContext) => {
    const n = parseId(id);
    return n === undefined ? null : ctx.loaders.caseById.load(n);
  },
};
