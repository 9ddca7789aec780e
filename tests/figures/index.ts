import type { FigureCheck } from './types.js';
import { figures as credit } from '../../subgraphs/credit/tests/figures.js';
import { figures as employment } from '../../subgraphs/employment/tests/figures.js';
import { figures as housing } from '../../subgraphs/housing/tests/figures.js';
import { figures as livelihoods } from '../../subgraphs/livelihoods/tests/figures.js';
import { figures as registry } from '../../subgraphs/registry/tests/figures.js';
import { figures as socialInsurance } from '../../subgraphs/social_insurance/tests/figures.js';

/** Every published figure, each as a gateway query. */
export const allFigures: FigureCheck[] = [...registry, ...credit, ...housing, ...socialInsurance, ...employment, ...livelihoods];
