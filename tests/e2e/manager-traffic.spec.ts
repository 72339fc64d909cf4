// The Traffic view: where each source's leads really are, read page by page from
// GET /api/v4/leads?with=source_id,source after the list is shown, flagged when they left the
// source's pipeline or stopped coming, cancellable, and carried through a 429.
import { expect, test } from '@playwright/test';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './fixtures/sandbox';
import {
  api, DEMO, fault, LEAD_SHAPES, manager, openAdvanced, openPage, ADVANCED, PIPELINES, rowOf, seedLeads, sent,
  serverSources, sourceIdOf, trafficRow, trafficView, useWidgetSandbox, zeroCounters,
} from './fixtures/widget';

for (const shape of LEAD_SHAPES) test.describe(`leads read as the ${shape} documents them`, () => {
  const env = useWidgetSandbox({ extraArgs: ['--lead-source', shape] });

  /** The server's id of demo source `ext`. */
  async function idOf(request: any, ext: string): Promise<number> {
    const s = (await serverSources(request, env)).find((x) => x.external_id === ext);
    expect(s, ext).toBeTruthy();
    return s.id;
  }

  test('each source shows its count, where its leads are, and a flag when they left its pipeline', async ({ page, request }) => {
    const chat = await idOf(request, DEMO.chat.ext);
    const wa = await idOf(request, DEMO.wa.ext);
    await seedLeads(request, env.sb, [
      { count: 5, days: 5, source_id: chat },
      // WhatsApp Sales leads in Sales, then three moved by hand to Partners.
      { count: 2, days: 5, source_id: wa },
      { count: 3, days: 5, source_id: wa, pipeline_id: PIPELINES.partners.id },
    ]);
    const root = await openAdvanced(page, env);
    const view = trafficView(root);
    await expect(view).toHaveAttribute('data-traffic', 'ready');
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-count]')).toHaveText('5');
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-flag]')).toHaveCount(0);
    const waRow = trafficRow(root, DEMO.wa.name);
    await expect(waRow.locator('[data-count]')).toHaveText('5');
    await expect(waRow.locator('[data-flag="outside"]')).toHaveText('3 outside its pipeline');
    // Where they are, by pipeline with a subtotal: the source's own first, the other marked.
    const groups = waRow.locator('[data-pipeline]');
    await expect(groups).toHaveCount(2);
    await expect(groups.nth(0).locator('.ksm-sub')).toHaveText('Sales 2');
    await expect(groups.nth(1).locator('.ksm-sub')).toHaveText('Partners 3 ⚠');
    await expect(groups.nth(1)).toHaveClass('ksm-outside');
    await expect(groups.nth(1).getByRole('img', { name: "outside the source's pipeline" })).toBeVisible();
    await expect(groups.nth(1).locator('li')).toHaveText(['Incoming leads: 3']);
    // The list says it too, beside each source's pipeline.
    await expect(rowOf(root, DEMO.wa.ext).locator('[data-traffic-line]')).toContainText('5 leads in 7 days');
    await expect(rowOf(root, DEMO.wa.ext).locator('[data-flag="outside"]')).toBeVisible();
    await expect(rowOf(root, DEMO.calls.ext).locator('[data-flag="silent"]')).toHaveText('No leads in this period');
    // The chart draws the last 7 days, one bar a day, from Rust as inline SVG.
    const counts = await view.locator('svg.ksm-chart').first().getAttribute('data-counts');
    expect(counts!.split(', ').map(Number).reduce((a, b) => a + b, 0)).toBe(10);
    expect(counts!.split(', ')).toHaveLength(7);
    // Each bar says its date and count on hover (an SVG title), and the scale names its top.
    const chart = view.locator('figure').first();
    const titles = chart.locator('svg title');
    await expect(titles).toHaveCount(7);
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    const last = counts!.split(', ').pop();
    await expect(titles.nth(6)).toHaveText(`Leads on ${today}: ${last}`);
    // SVG's own elements, so that the bars are drawn and their titles shown on hover.
    expect(await titles.nth(6).evaluate((t) => t.namespaceURI)).toBe('http://www.w3.org/2000/svg');
    const busiest = counts!.split(', ').map(Number).indexOf(Math.max(...counts!.split(', ').map(Number)));
    const bar = chart.locator('svg g').nth(busiest).locator('rect:not(.ksm-slot)');
    expect((await bar.boundingBox())!.height).toBeGreaterThan(10);
    const top = Math.max(...counts!.split(', ').map(Number));
    await expect(chart.locator('[data-max]')).toHaveText(`max. ${top}`);
  });

  test('the Traffic view is reached from the top of the page, however long the list', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 500 });
    const root = await openAdvanced(page, env);
    const heading = trafficView(root).getByRole('heading', { name: 'Lead traffic' });
    await expect(heading).not.toBeInViewport();
    await root.getByRole('button', { name: 'Lead traffic', exact: true }).click();
    await expect(heading).toBeFocused();
    await expect(heading).toBeInViewport();
  });

  test('a source with no leads in the period is flagged, and 30 days reach older ones', async ({ page, request }) => {
    const chat = await idOf(request, DEMO.chat.ext);
    // Ten leads spread over the last 20 days: some older than a week.
    await seedLeads(request, env.sb, [{ count: 10, days: 20, source_id: chat }]);
    const root = await openAdvanced(page, env);
    for (const d of [DEMO.wa, DEMO.partners, DEMO.ig, DEMO.expo, DEMO.calls]) {
      await expect(trafficRow(root, d.name).locator('[data-flag="silent"]')).toHaveText('No leads in this period');
    }
    const week = Number(await trafficRow(root, DEMO.chat.name).locator('[data-count]').textContent());
    expect(week).toBeGreaterThan(0);
    expect(week).toBeLessThan(10);
    await trafficView(root).getByRole('button', { name: '30 days' }).click();
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-count]')).toHaveText('10');
    await expect(trafficView(root).getByRole('button', { name: '30 days' })).toHaveAttribute('aria-pressed', 'true');
    await expect(trafficView(root).locator('svg.ksm-chart').first()).toHaveAttribute('data-counts', /^(\d+, ){29}\d+$/);
  });

  test('with no leads at all, every source is flagged and nothing else is claimed', async ({ page, request }) => {
    await seedLeads(request, env.sb, []);
    const root = await openAdvanced(page, env);
    await expect(trafficView(root)).toHaveAttribute('data-traffic', 'ready');
    await expect(trafficView(root).locator('[data-traffic-read]')).toContainText('0 leads of the last 30 days');
    await expect(trafficView(root).locator('[data-flag="silent"]')).toHaveCount(Object.keys(DEMO).length);
    await expect(trafficView(root).getByRole('button', { name: 'Latest leads' }).first()).toBeDisabled();
  });

  test('650 leads are read in pages of 250 through _links.next, with the list shown first', async ({ page, request }) => {
    const chat = await idOf(request, DEMO.chat.ext);
    await seedLeads(request, env.sb, [{ count: 650, days: 25, source_id: chat }]);
    await zeroCounters(request, env.sb);
    // The leads are slow; the list of sources is not held up by them.
    expect((await request.post(`${env.sb.url}/__sandbox/delay`, {
      data: { ms: 1500, count: 1, method: 'GET', path: '/api/v4/leads' },
    })).ok()).toBe(true);
    expect(await openPage(page, env, ADVANCED)).toBe(true);
    const root = manager(page);
    await expect(rowOf(root, DEMO.chat.ext)).toBeVisible();
    await expect(trafficView(root)).toHaveAttribute('data-traffic', 'loading');
    await expect(trafficView(root).getByRole('status')).toContainText('Reading leads…');
    await expect(trafficView(root)).toHaveAttribute('data-traffic', 'ready', { timeout: 15_000 });
    await trafficView(root).getByRole('button', { name: '30 days' }).click();
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-count]')).toHaveText('650');
    await expect(trafficView(root).locator('[data-traffic-read]')).toContainText('650 leads of the last 30 days');
    expect((await sent(request, env.sb))['GET /api/v4/leads']).toBe(3);
  });

  test('a 429 in the middle of the read is waited out and the read completes', async ({ page, request }) => {
    const chat = await idOf(request, DEMO.chat.ext);
    await seedLeads(request, env.sb, [{ count: 600, days: 25, source_id: chat }]);
    await fault(request, env.sb, {
      after: 1, status: 429, headers: { 'Retry-After': '1' }, json: { title: 'Too Many Requests', status: 429 },
      method: 'GET', path: '/api/v4/leads',
    });
    await zeroCounters(request, env.sb);
    const root = await openAdvanced(page, env);
    await expect(trafficView(root)).toHaveAttribute('data-traffic', 'ready');
    await trafficView(root).getByRole('button', { name: '30 days' }).click();
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-count]')).toHaveText('600');
    // Three pages, the second asked twice.
    expect((await sent(request, env.sb))['GET /api/v4/leads']).toBe(4);
  });

  test('cancel stops the read; reading again completes it', async ({ page, request }) => {
    const chat = await idOf(request, DEMO.chat.ext);
    await seedLeads(request, env.sb, [{ count: 600, days: 25, source_id: chat }]);
    expect((await request.post(`${env.sb.url}/__sandbox/delay`, {
      data: { ms: 2500, count: 1, method: 'GET', path: '/api/v4/leads' },
    })).ok()).toBe(true);
    await zeroCounters(request, env.sb);
    expect(await openPage(page, env, ADVANCED)).toBe(true);
    const root = manager(page);
    const view = trafficView(root);
    await expect(view).toHaveAttribute('data-traffic', 'loading');
    await view.getByRole('button', { name: 'Cancel' }).click();
    await expect(view).toHaveAttribute('data-traffic', 'cancelled');
    await expect(view).toContainText('The read was stopped before it finished.');
    // The first page's late answer asks for no second page.
    await page.waitForTimeout(3000);
    expect((await sent(request, env.sb))['GET /api/v4/leads']).toBe(1);
    await view.getByRole('button', { name: 'Read leads' }).click();
    await expect(view).toHaveAttribute('data-traffic', 'ready');
    await view.getByRole('button', { name: '30 days' }).click();
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-count]')).toHaveText('600');
  });

  test("a source's latest leads link to their lead cards on the account", async ({ page, request }) => {
    const wa = await idOf(request, DEMO.wa.ext);
    await seedLeads(request, env.sb, [
      { count: 2, days: 3, source_id: wa, pipeline_id: PIPELINES.partners.id },
      { count: 3, days: 2, source_id: wa },
    ]);
    const root = await openAdvanced(page, env);
    await trafficRow(root, DEMO.wa.name).getByRole('button', { name: 'Latest leads' }).click();
    const latest = trafficView(root).locator(`[data-latest="s${wa}"]`);
    await expect(latest.locator('li')).toHaveCount(5);
    // Right under the row that opened it, not under the whole table.
    const under = trafficRow(root, DEMO.wa.name).locator('xpath=following-sibling::tr[1]');
    await expect(under.locator(`[data-latest="s${wa}"]`)).toBeVisible();
    await expect(latest.locator('li .ksm-tag')).toHaveCount(2);
    const first = latest.locator('li a').first();
    const href = await first.getAttribute('href');
    expect(href).toMatch(/^\/leads\/detail\/\d+$/);
    const id = Number(href!.split('/').pop());
    const lead = await api(request, env, 'GET', `/api/v4/leads/${id}?with=source_id,source`);
    expect(lead.status).toBe(200);
    expect(sourceIdOf(lead.body)).toBe(wa);
    const [card] = await Promise.all([page.context().waitForEvent('page'), first.click()]);
    await card.waitForLoadState();
    expect(new URL(card.url()).pathname).toBe(`/leads/detail/${id}`);
    await expect(card.locator('body')).toContainText(lead.body.name);
  });

  test('the leads read are kept for the session: coming back to the page reads none again', async ({ page, request }) => {
    const chat = await idOf(request, DEMO.chat.ext);
    await seedLeads(request, env.sb, [{ count: 4, days: 3, source_id: chat }]);
    const root = await openAdvanced(page, env);
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-count]')).toHaveText('4');
    await zeroCounters(request, env.sb);
    await page.evaluate(() => (window as any).__host.leaveAdvanced());
    await page.evaluate(() => (window as any).__host.enterAdvanced());
    await expect(rowOf(root, DEMO.chat.ext).locator('[data-traffic-line]')).toContainText('4 leads in 7 days');
    await expect(trafficView(root)).toHaveAttribute('data-traffic', 'ready');
    expect((await sent(request, env.sb))['GET /api/v4/leads']).toBeUndefined();
    // Read again on demand, it sees what came meanwhile.
    await seedLeads(request, env.sb, [{ count: 6, days: 3, source_id: chat }]);
    await trafficView(root).getByRole('button', { name: 'Read leads again' }).click();
    await expect(trafficRow(root, DEMO.chat.name).locator('[data-count]')).toHaveText('6');
  });

  test('screenshot of the Traffic view with the demo leads for the README', async ({ page }) => {
    test.skip(!!env.relay || shape !== 'reference', 'one screenshot, from the direct build');
    await page.setViewportSize({ width: 1280, height: 1000 });
    const root = await openAdvanced(page, env);
    const view = trafficView(root);
    await view.getByRole('button', { name: '30 days' }).click();
    const flagged = view.locator('tbody tr').filter({ has: page.locator('[data-flag="outside"]') }).first();
    await flagged.getByRole('button', { name: 'Latest leads' }).click();
    await expect(view.locator('[data-latest] li').first()).toBeVisible();
    await page.mouse.move(0, 0);
    await view.scrollIntoViewIfNeeded();
    const file = path.join(ROOT, 'docs', 'traffic.png');
    await view.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });
});
