import {
  checkYear,
  communesToCheck,
  departmentConsistencyResolvers,
  type CityConsistencyRef,
  type CommuneConsistencyRef,
} from '../../common/consistency.js';
import { creditFindings, housingLoanFacts } from '../consistency.js';
import type { CreditContext } from '../context.js';

const base = departmentConsistencyResolvers<CreditContext>('credit', creditFindings);

/** Loans of the housing rule's programme for the communes the caller may see. */
function facts(communeCode: string | null, year: number, ctx: CreditContext) {
  const communes = communesToCheck(ctx.auth, communeCode);
  return communes?.length === 0 ? [] : housingLoanFacts(ctx, communes, checkYear(year));
}

export const CommuneConsistency = {
  ...base.CommuneConsistency,
  housingLoanFacts: (ref: CommuneConsistencyRef, _: unknown, ctx: CreditContext) => facts(ref.communeCode, ref.year, ctx),
};

export const CityConsistency = {
  ...base.CityConsistency,
  housingLoanFacts: (ref: CityConsistencyRef, _: unknown, ctx: CreditContext) => facts(null, ref.year, ctx),
};
