import { runSubgraph } from '../../platform/run.js';
import { registry } from './index.js';

// The registry subgraph alone: `npm run start:registry`.
await runSubgraph(registry);
