import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { socialInsuranceFindings } from '../consistency.js';
import type { SocialInsuranceContext } from '../context.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers<SocialInsuranceContext>('socialInsurance', socialInsuranceFindings);
