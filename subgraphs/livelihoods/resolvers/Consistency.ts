import { departmentConsistencyResolvers } from '../../../platform/consistency.js';
import { livelihoodsFindings } from '../consistency.js';
import type { LivelihoodsContext } from '../context.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers<LivelihoodsContext>('livelihoods', livelihoodsFindings);
