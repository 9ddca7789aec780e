import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { employmentFindings } from '../consistency.js';
import type { EmploymentContext } from '../context.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers<EmploymentContext>('employment', employmentFindings);
