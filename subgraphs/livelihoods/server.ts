import { runSubgraph } from '../common/run.js';
import { livelihoods } from './index.js';

// The livelihoods subgraph alone: `npm run start:livelihoods`.
await runSubgraph(livelihoods);
