import type { FigureCheck } from './types.js';
import { figures as credit } from './credit.js';
import { figures as employment } from './employment.js';
import { figures as housing } from './housing.js';
import { figures as livelihoods } from './livelihoods.js';
import { figures as registry } from './registry.js';
import { figures as socialInsurance } from './social_insurance.js';

/** Every published figure, each as a gateway query. */
export const allFigures: FigureCheck[] = [...registry, ...credit, ...housing, ...socialInsurance, ...employment, ...livelihoods];
