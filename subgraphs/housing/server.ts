import { runSubgraph } from '../../platform/run.js';
import { housing } from './index.js';

// The housing subgraph alone: `npm run start:housing` (the registry must be reachable at REGISTRY_URL).
await runSubgraph(housing);
