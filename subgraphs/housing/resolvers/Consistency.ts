import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { housingFindings } from '../consistency.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers('housing', housingFindings);
