import { checkYear, communesToCheck, departmentConsistencyResolvers, perCommune } from '../../../platform/consistency.js';
import { creditFindings, housingLoanFacts } from '../consistency.js';
import type { CityConsistencyResolvers, CommuneConsistencyResolvers } from './types.generated.js';

const base = departmentConsistencyResolvers('credit', creditFindings);

/** Loans of the housing rule's programme, batched over the communes of a request like the findings. */
const ofCommune = perCommune(housingLoanFacts);

export const CommuneConsistency: CommuneConsistencyResolvers = {
  ...base.CommuneConsistency,
  housingLoanFacts: async (ref, _, ctx) => (ctx.auth.canSeeCommune(ref.communeCode) ? ofCommune(ctx, ref.communeCode, checkYear(ref.year)) : []),
};

export const CityConsistency: CityConsistencyResolvers = {
  ...base.CityConsistency,
  housingLoanFacts: async (ref, _, ctx) => {
    const communes = communesToCheck(ctx.auth, null);
    return communes?.length === 0 ? [] : housingLoanFacts(ctx, communes, checkYear(ref.year));
  },
};
