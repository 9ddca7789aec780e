import type { FigureCheck } from './types.js';
import { figures as registry } from './registry.js';

/** Every published figure, each as a gateway query. */
export const allFigures: FigureCheck[] = [...registry];
