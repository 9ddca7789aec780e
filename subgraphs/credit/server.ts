import { runSubgraph } from '../../platform/run.js';
import { credit } from './index.js';

// The credit subgraph alone: `npm run start:credit` (it needs the registry at REGISTRY_URL).
await runSubgraph(credit);
