import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { housingFindings } from '../consistency.js';
import type { HousingContext } from '../context.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers<HousingContext>('housing', housingFindings);
