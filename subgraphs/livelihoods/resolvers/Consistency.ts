import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { livelihoodsFindings } from '../consistency.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers('livelihoods', livelihoodsFindings);
