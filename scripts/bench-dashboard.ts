import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Request } from 'playwright-core';
import { Databases } from '../db/index.js';
import { SESSION_KEY, sessionForToken } from '../web/auth/tokens.js';
import { startStack } from './stack.js';

// npm run bench:dashboard [-- --scale 1 --runs 5 --data-dir .data/bench-dashboard]
//
// How long the dashboard takes to load on the embedded database (PGlite) with the city data set,
// in headless Chromium: from navigation until every section has rendered its data. Beside it,
// the baseline measured in the same process: the same GraphQL requests the page sent, posted
// from Node in parallel, so the ratio shows what the page adds over the API itself. Prints
// numbers; asserts nothing (speed is not a test).

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    'data-dir': { type: 'string' },
    token: { type: 'string' },
  },
});
const scale = Number(values.scale);
const runs = Number(values.runs);
const dataDir = path.resolve(values['data-dir'] ?? `.data/bench-dashboard-scale-${scale}`);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(2);
}

const started = Date.now();
const databases = new Databases({ env: { DATA_DIR: dataDir } });
console.log(`embedded database in ${dataDir}; city data set at scale ${scale} (generated on the first run, minutes)`);
const stack = await startStack({ databases, ports: 'random', gatewayPort: 0, data: 'city', scale, log: (m) => console.log(`  ${m}`) });
console.log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const dashboard = stack.gatewayUrl.replace(/\/graphql$/, '/dashboard');

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, token: string | undefined): Promise<void> {
  const context = await browser.newContext();
  // Signed in as the pages keep a session (web/auth/tokens.ts), with the token given.
  if (token)
    await context.addInitScript(([key, s]) => sessionStorage.setItem(key, s), [
      SESSION_KEY,
      JSON.stringify(sessionForToken(token, { roles: ['analyst'] })),
    ] as const);
  const loads: number[] = [];
  let requests: Array<{ body: string; headers: Record<string, string> }> = [];
  // One load to build the bundle and warm the caches, then the measured ones.
  for (let i = 0; i <= runs; i++) {
    const page = await context.newPage();
    const sent: Request[] = [];
    page.on('request', (r) => r.url().endsWith('/graphql') && r.method() === 'POST' && sent.push(r));
    const t0 = performance.now();
    await page.goto(dashboard);
    await page.waitForSelector('#app[data-ready]', { timeout: 120_000 });
    const ms = performance.now() - t0;
    if (i > 0) loads.push(ms);
    requests = sent.map((r) => ({
      body: r.postData() ?? '',
      headers: { 'content-type': 'application/json', ...(r.headers().authorization ? { authorization: r.headers().authorization! } : {}) },
    }));
    await page.close();
  }
  await context.close();
  // Baseline: the page's own requests, all at once from Node, as many times.
  const api: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await Promise.all(requests.map((r) => fetch(stack.gatewayUrl, { method: 'POST', headers: r.headers, body: r.body }).then((res) => res.text())));
    api.push(performance.now() - t0);
  }
  const page = median(loads);
  const base = median(api);
  console.log(
    `| ${label} | ${requests.length} | ${Math.round(page)} | ${Math.round(Math.min(...loads))}–${Math.round(Math.max(...loads))} | ${Math.round(base)} | ${(page / base).toFixed(2)} |`,
  );
}

console.log(`\n| dashboard (${runs} warm loads) | requests | page load p50 ms | range ms | API baseline p50 ms | page / API |`);
console.log('|---|---|---|---|---|---|');
await measure('no token (public)', undefined);
await measure('analyst token', values.token ?? (await stack.auth.mint({ sub: 'bench', roles: ['analyst'] })));
await browser.close();
await stack.stop();
await databases.close();
