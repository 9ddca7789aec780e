import { prefetch } from './api.js';
import { ON_LOAD } from './queries.js';

// A few kilobytes loaded before the dashboard's bundle (chart library and all): the page's
// first requests leave as soon as the HTML is parsed, rather than after the bundle has been
// parsed and run, and the server works on them meanwhile. api.ts's send() takes the
// answers when the sections ask for the same requests.
for (const { query, variables } of ON_LOAD) prefetch(query, variables);
