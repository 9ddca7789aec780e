import {
  checkYear,
  communesToCheck,
  departmentConsistencyResolvers,
  perCommune,
  type CityConsistencyRef,
  type CommuneConsistencyRef,
} from '../../../platform/consistency.js';
import { creditFindings, housingLoanFacts } from '../consistency.js';
import type { CreditContext } from '../context.js';

const base = departmentConsistencyResolvers<CreditContext>('credit', creditFindings);

/** Loans of the housing rule's programme, batched over the communes of a request like the findings. */
const ofCommune = perCommune(housingLoanFacts);

export const CommuneConsistency = {
  ...base.CommuneConsistency,
  housingLoanFacts: async (ref: CommuneConsistencyRef, _: unknown, ctx: CreditContext) =>
    ctx.auth.canSeeCommune(ref.communeCode) ? ofCommune(ctx, ref.communeCode, checkYear(ref.year)) : [],
};

export const CityConsistency = {
  ...base.CityConsistency,
  housingLoanFacts: async (ref: CityConsistencyRef, _: unknown, ctx: CreditContext) => {
    const communes = communesToCheck(ctx.auth, null);
    return communes?.length === 0 ? [] : housingLoanFacts(ctx, communes, checkYear(ref.year));
  },
};
