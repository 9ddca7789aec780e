import { runSubgraph } from '../../platform/run.js';
import { socialInsurance } from './index.js';

// The social-insurance subgraph alone: `npm run start:social_insurance` (REGISTRY_URL says where the registry is).
await runSubgraph(socialInsurance);
