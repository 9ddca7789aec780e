import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { employmentFindings } from '../consistency.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers('employment', employmentFindings);
