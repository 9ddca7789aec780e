import { departmentConsistencyResolvers } from '../../common/consistency.js';
import { livelihoodsFindings } from '../consistency.js';
import type { LivelihoodsContext } from '../context.js';

export const { CommuneConsistency, CityConsistency } = departmentConsistencyResolvers<LivelihoodsContext>('livelihoods', livelihoodsFindings);
