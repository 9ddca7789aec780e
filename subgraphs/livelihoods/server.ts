import { runSubgraph } from '../../platform/run.js';
import { livelihoods } from './index.js';

// The livelihoods subgraph alone: `npm run start:livelihoods`.
await runSubgraph(livelihoods);
