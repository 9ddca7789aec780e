import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFigures } from './figures/index.js';
import { formatTable, runFigureChecks, type FigureResult } from './figures/compare.js';
import { SESSION_KEY, sessionForToken } from '../web/auth/tokens.js';
import { startTestStack, type TestStack } from './support/stack.js';

// The city's published figures, asked of the graph through the gateway. With FULL_SCALE=1
// (as .ci/run sets for its run against the PostgreSQL server) the city-scale data set is
// generated at scale 1 and every figure must match the published number. Without it, the
// data set is generated at scale 0.01 (quick) and every figure's query must run cleanly.
const full = process.env.FULL_SCALE === '1';
const scale = full ? 1 : 0.01;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);

let stack: TestStack;
let results: FigureResult[];
beforeAll(async () => {
  stack = await startTestStack({ data: 'city', scale });
  results = await runFigureChecks(allFigures, (q) => stack.query(q));
  console.log(`published figures at scale ${scale}:\n${formatTable(results)}`);
}, 1_800_000);
afterAll(async () => {
  await stack?.close();
});

describe(`published figures (data set at scale ${scale})`, () => {
  it('every figure is a query the graph answers', () => {
    expect(results.filter((r) => r.value === null).map((r) => `${r.check.key}: ${r.error}`)).toEqual([]);
  });

  it.runIf(full)('every figure matches the published number', () => {
    expect(results.filter((r) => !r.match).map((r) => `${r.check.key}: ${r.value} vs ${r.check.published}`)).toEqual([]);
  });

  // The dashboard on the city data set: its published-figures table shows the graph's numbers,
  // and at scale 1 those are the published ones. (tests/browser-pages.test.ts covers the pages
  // on the demo data; here the data set is already generated.)
  it.runIf(full && hasChromium)('the dashboard shows the published numbers, read from the graph at city scale', { timeout: 300_000 }, async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await context.route(
        (url) => !['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol.startsWith('http'),
        (route) => route.abort(),
      );
      const analyst = await stack.token({ roles: ['analyst'] });
      const session = JSON.stringify(sessionForToken(analyst, { roles: ['analyst'] }));
      await context.addInitScript(([key, s]) => sessionStorage.setItem(key, s), [SESSION_KEY, session] as const);
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(stack.gatewayUrl.replace(/\/graphql$/, '/dashboard'));
      await page.waitForSelector('#app[data-ready]', { timeout: 240_000 });
      console.log(`dashboard at city scale (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, first load, under test load): ${Date.now() - started} ms`);
      const shown = new Map<string, number>();
      for (const row of await page.locator('#published-figures tbody tr').all()) {
        shown.set((await row.getAttribute('data-key'))!, Number(await row.locator('td.graph').getAttribute('data-value')));
      }
      const onPage = results.filter((r) => shown.has(r.check.key));
      expect(onPage.length).toBeGreaterThan(30);
      // Each number on the page is the graph's, and the graph's matches the published one.
      expect(
        onPage
          .filter((r) => shown.get(r.check.key) !== r.value || !r.match)
          .map((r) => `${r.check.key}: page ${shown.get(r.check.key)}, graph ${r.value}, published ${r.check.published}`),
      ).toEqual([]);
      fs.mkdirSync(new URL('../artifacts/screenshots/', import.meta.url), { recursive: true });
      await page.screenshot({ path: new URL('../artifacts/screenshots/dashboard-city-scale.png', import.meta.url).pathname, fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('covers every figure of published-figures.json that is a number', async () => {
    const json = (await import('./figures/published-figures.json', { with: { type: 'json' } })).default as Record<string, any>;
    const numeric: string[] = [];
    for (const [section, body] of Object.entries(json)) {
      if (typeof body !== 'object' || Array.isArray(body)) continue;
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
        if (key === 'note') continue;
        if (typeof value === 'number' || (typeof value === 'string' && /^(more than|almost)? ?\d/.test(value))) numeric.push(`${section}.${key}`);
        else if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const sub of Object.keys(value)) numeric.push(`${section}.${key}.${sub}`);
        }
      }
    }
    const covered = new Set(allFigures.map((f) => f.key));
    expect(numeric.filter((k) => !covered.has(k))).toEqual([]);
  });
});
