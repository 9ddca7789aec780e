import { runSubgraph } from '../../platform/run.js';
import { employment } from './index.js';

// The employment subgraph alone: `npm run start:employment` (REGISTRY_URL names the registry).
await runSubgraph(employment);
