import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { socialInsuranceFindings } from '../consistency.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers('socialInsurance', socialInsuranceFindings);
