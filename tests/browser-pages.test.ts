import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { loadOperations } from '../schema/operations.js';
import { FIGURES } from '../web/dashboard/figures.js';
import { allFigures } from './figures/index.js';
import { publishedValue, runFigureChecks, type FigureResult } from './figures/compare.js';
import { startTestStack, type TestStack } from './support/stack.js';

// The playground and the dashboard in headless Chromium (Debian's package), on the demo data.
// The dashboard must show exactly what the graph returns for the published-figure queries
// (tests/figures/*.ts): the city data set at scale 1 takes far too long to generate here, so
// the numbers are the demo data's, checked against the same checks' queries.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

const SCREENSHOTS = new URL('../artifacts/screenshots/', import.meta.url);
/**
 * Checks that answer 0 unless a condition holds (all three health-insurance groups present, all
 * four model kinds, support within the budget); the dashboard shows the count itself.
 */
const GATED = new Set(['social_insurance.health_insurance_support_2022_2024_people', 'livelihoods.high_tech_agriculture_models', 'livelihoods.livelihood_diversification_households']);
/**
 * Figures the dashboard does not show: coverage needs paging through every list; child health
 * monitoring is a reported statistic whose field is not in the committed supergraph yet.
 */
const NOT_SHOWN = new Set(['social_insurance.health_insurance_coverage_poor_and_near_poor_percent', 'social_insurance.child_health_monitoring_poor_children_percent']);

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

describe.skipIf(!hasChromium)('pages in headless Chromium', { timeout: 120_000 }, () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let gateway: string;
  const requests: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    stack = await startTestStack();
    gateway = new URL(stack.gatewayUrl).origin;
    // The first page request bundles web/ (esbuild, a few seconds): do it before the clock of any test.
    expect((await fetch(gateway + '/')).status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // Every request any page makes is recorded; one to another host is also refused, so that a
    // failing run still calls out nowhere.
    context.on('request', (request) => requests.push(request.url()));
    await context.route((url) => !isLoopback(url.href), (route) => route.abort());
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Opens the dashboard, with a token already pasted when one is given. */
  async function openDashboard(path = '/dashboard', token?: string): Promise<{ page: Page; ms: number }> {
    const page = await context.newPage();
    if (token) await page.addInitScript((t) => sessionStorage.setItem('dashboard.bearerToken', t), token);
    const started = Date.now();
    await page.goto(gateway + path);
    await page.waitForSelector('#app[data-ready]', { timeout: 30_000 });
    return { page, ms: Date.now() - started };
  }

  it('the playground loads, shows the schema docs and runs an example operation', async () => {
    const page = await context.newPage();
    await page.goto(gateway + '/');
    await page.waitForSelector('.graphiql-container');
    // Every registered operation (the dashboard's and the README's) is a tab.
    const names = loadOperations().map((o) => /(?:query|mutation)\s+(\w+)/.exec(o.document)![1]);
    await expect.poll(() => page.locator('.graphiql-tab').allInnerTexts()).toEqual(names);
    // The documentation explorer (the sidebar's book) shows the schema from introspection.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.waitForSelector('.graphiql-doc-explorer-root-type >> text=Query');
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
    await page.waitForSelector('.graphiql-doc-explorer >> text=povertyWhatIf');
    await page.locator('.graphiql-tab', { hasText: 'WhatIf' }).click();
    await runUntil(page, 'reviewedHouseholds');
    const response = await page.locator('.graphiql-response').innerText();
    const expected = (await stack.query('{ povertyWhatIf(year: 2024, standard: "2027-2030") { city { reviewedHouseholds } } }')).data.povertyWhatIf.city.reviewedHouseholds;
    expect(response).toContain(`"reviewedHouseholds": ${expected}`);
    await page.screenshot({ path: new URL('playground.png', SCREENSHOTS).pathname });

    // The first tab's example variables are in the variables editor, and it runs as it is.
    await page.locator('.graphiql-tab', { hasText: 'CityOverview' }).click();
    await runUntil(page, '"communeCount": 126');
    await page.close();
  });

  it('a subgraph serves its own playground, with only the operations it can answer', async () => {
    const page = await context.newPage();
    await page.goto(new URL(stack.subgraphUrls.registry!).origin + '/');
    await page.waitForSelector('.graphiql-container');
    await expect.poll(() => page.locator('.graphiql-tab').allInnerTexts()).toEqual(['Communes', 'WhatIf']);
    await page.close();
  });

  it('the dashboard shows the published figures: the same numbers the figure checks get from the graph', async () => {
    // As an analyst: exact counts, like the figure checks (which run as an administrator).
    const { page } = await openDashboard('/dashboard', await stack.token({ roles: ['analyst'] }));
    const results: FigureResult[] = await runFigureChecks(allFigures, (q) => stack.query(q));
    const shown = new Map<string, { published: string | null; graph: string | null }>();
    for (const row of await page.locator('#published-figures tbody tr').all()) {
      shown.set((await row.getAttribute('data-key'))!, {
        published: await row.locator('td.published').getAttribute('data-value'),
        graph: await row.locator('td.graph').getAttribute('data-value'),
      });
    }
    // Every published number shown is the JSON's.
    expect(FIGURES.map((f) => [f.key, Number(shown.get(f.key)?.published)])).toEqual(FIGURES.map((f) => [f.key, publishedValue(f.key)]));
    // Every check's number is on the page (gated checks: the count itself, when the gate held).
    const onPage = results.filter((r) => shown.has(r.check.key));
    const mismatches = onPage
      .filter((r) => r.value === null || Number(shown.get(r.check.key)?.graph) !== r.value)
      .filter((r) => !(GATED.has(r.check.key) && r.value === 0))
      .map((r) => `${r.check.key}: page ${shown.get(r.check.key)?.graph} vs graph ${r.value}`);
    expect(mismatches).toEqual([]);
    expect(onPage.length).toBeGreaterThan(20);
    // Checks the page does not show, each for a reason (see NOT_SHOWN), and nothing else.
    expect(results.filter((r) => !shown.has(r.check.key)).map((r) => r.check.key).filter((k) => !NOT_SHOWN.has(k))).toEqual([]);
    await page.screenshot({ path: new URL('dashboard.png', SCREENSHOTS).pathname, fullPage: true });
    await page.close();
  });

  it('the commune table has the 126 communes and wards, sorts by column and filters', async () => {
    const { page } = await openDashboard('/dashboard#communes');
    const rows = page.locator('#commune-table tbody tr');
    expect(await rows.count()).toBe(126);
    const column = async (key: string) => page.locator(`#commune-table tbody td:nth-child(${await columnIndex(page, key)})`).evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')));

    await page.locator('#commune-table th[data-key="households"]').click();
    const ascending = (await column('households')).map(Number);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.locator('#commune-table th[data-key="households"]').click();
    const descending = (await column('households')).map(Number);
    expect(descending).toEqual([...ascending].reverse());
    expect(descending[0]).toBeGreaterThan(descending[descending.length - 1]!);
    expect(await page.locator('#commune-table th[data-key="households"]').getAttribute('aria-sort')).toBe('descending');

    await page.locator('#commune-kind').selectOption('WARD');
    expect(await rows.count()).toBe(51);
    await page.locator('#commune-kind').selectOption('RURAL_COMMUNE');
    expect(await rows.count()).toBe(75);
    await page.locator('#commune-kind').selectOption('');
    await page.locator('#commune-search').fill('hoan kiem');
    expect(await rows.locator('td:nth-child(2)').allInnerTexts()).toEqual(['Hoàn Kiếm']);
    await page.close();
  });

  it('a commune page shows its figures over the years', async () => {
    const { page } = await openDashboard('/dashboard#commune/00070');
    await page.waitForSelector('#commune-years');
    expect(await page.locator('#commune h2').innerText()).toContain('Hoàn Kiếm');
    // Without a token, as the page is (the registered operation it sends): a small count is
    // withheld and shown as "–".
    const communeYears = loadOperations().find((o) => o.name === 'commune-years')!.document;
    const trend = (await stack.query(communeYears, { code: '00070' }, undefined, null)).data.commune.povertyTrend;
    const nearPoor2024 = trend.find((t: any) => t.year === 2024).nearPoor;
    const row = page.locator('#commune-years tr', { hasText: 'near-poor' }).first();
    expect(await row.locator('td').nth(3).innerText()).toBe(nearPoor2024 === null ? '–' : String(nearPoor2024)); // columns 2021..2025
    await page.locator('#commune').screenshot({ path: new URL('commune.png', SCREENSHOTS).pathname });
    await page.close();
  });

  it('the what-if view lists every commune under the current and the 2027-2030 lines', async () => {
    const { page } = await openDashboard('/dashboard#what-if');
    const whatIf = (await stack.query('{ povertyWhatIf(year: 2024, standard: "2027-2030") { communes { commune { code } } } }')).data.povertyWhatIf;
    expect(await page.locator('#what-if-table tbody tr').count()).toBe(whatIf.communes.length);
    await page.locator('#what-if').screenshot({ path: new URL('what-if.png', SCREENSHOTS).pathname });
    await page.close();
  });

  it('a pasted bearer token is sent as Authorization: Bearer ...', async () => {
    const { page } = await openDashboard();
    // Without a token the demo's many small commune counts are withheld, and the page says so.
    expect(await page.locator('#withheld').isVisible()).toBe(true);
    expect(await page.locator('#withheld').innerText()).toMatch(/withheld/);
    const sent: Array<string | undefined> = [];
    page.on('request', (request) => request.url().endsWith('/graphql') && sent.push(request.headers().authorization));
    const token = await stack.token({ roles: ['analyst'] });
    await page.locator('#token').fill(token);
    await page.locator('#token-apply').click();
    await page.waitForSelector('#app[data-ready]');
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(new Set(sent)).toEqual(new Set([`Bearer ${token}`]));
    // With it, every count is exact.
    expect(await page.locator('#withheld').isHidden()).toBe(true);
    expect(await page.locator('.error').count()).toBe(0);
    await page.close();
  });

  // How fast is measured by `npm run bench:dashboard` (which prints numbers), not asserted here:
  // a timed test on two shared cores would flake. This checks that repeated loads complete.
  it('the dashboard loads again and again, every section rendered, each request sent once', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      // The first requests leave from dashboard-prefetch.js, before the bundle has loaded; the
      // sections take those answers rather than asking again.
      const posts: string[] = [];
      const count = (request: Request) => {
        if (request.url().endsWith('/graphql') && request.method() === 'POST') posts.push(/query (\w+)/.exec(request.postData() ?? '')?.[1] ?? '?');
      };
      context.on('request', count);
      const { page, ms } = await openDashboard();
      times.push(ms);
      expect(await page.locator('.error').count()).toBe(0);
      expect(posts.sort()).toEqual(['CityOverview', 'CommuneScorecard', 'PublishedFigures', 'WhatIf']);
      context.off('request', count);
      await page.close();
    }
    console.log(`dashboard load (navigation to every section rendered, demo data, under test load): ${times.join(', ')} ms`);
  });

  it('no request left the loopback address', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((url) => !isLoopback(url))).toEqual([]);
  });
});

/**
 * Runs the active tab until the response shows `text`. GraphiQL takes the operation name from
 * the editor a moment after a tab switch; a run in that moment names the previous tab's
 * operation, so a run is repeated (at most for 30 s) rather than raced.
 */
async function runUntil(page: Page, text: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.locator('.graphiql-execute-button').click();
        await page.waitForTimeout(500);
        return page.locator('.graphiql-response').innerText();
      },
      { timeout: 30_000 },
    )
    .toContain(text);
}

async function columnIndex(page: Page, key: string): Promise<number> {
  const keys = await page.locator('#commune-table thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-key')));
  return keys.indexOf(key) + 1;
}
