// The widget in Digital Pipeline: its own panel with the pipeline's sources of the integration
// (edit, make default, move to another pipeline, delete, add), opened by onAddAsSource or,
// when it is already attached, straight on that pipeline; and the sandbox's own page, which
// lists the same sources and follows what the widget changes.
import { APIRequestContext, expect, Locator, Page, test } from '@playwright/test';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './fixtures/sandbox';
import {
  DEMO, hostSwitch, openPage, PIPELINES, recordApi, rowOf, seedLeads, sent, serverSources, status, useWidgetSandbox,
  zeroCounters,
} from './fixtures/widget';

const env = useWidgetSandbox();
const WIDGET = 'Lead Sources Manager';

/** The widget's panel on pipeline `name`. */
function panelOf(page: Page, name: string): Locator {
  return page.getByRole('dialog', { name: `Sources in pipeline ${name}` });
}

/** The sandbox page's list of the pipeline's sources of the integration. */
function pageList(page: Page): Locator {
  return page.getByRole('list', { name: `Sources of ${WIDGET}` });
}

/** The names the sandbox page lists. */
async function pageNames(page: Page): Promise<string[]> {
  return pageList(page).locator('.dp-sources__name').allTextContents();
}

/** The external ids the panel lists, in order. */
function panelRows(panel: Locator): Locator {
  return panel.locator('tbody tr[data-k^="s"] td > .ksm-code');
}

const hostErrors = (page: Page) => page.evaluate(() => (window as any).__host.errors.slice());
const lifecycle = (page: Page) => page.evaluate(() => (window as any).__host.lifecycle.slice());

/** Attaches the widget to `pipeline` in the host, as an earlier visit would have. */
async function attach(request: APIRequestContext, pipeline: number): Promise<void> {
  const res = await request.post(`${env.sb.url}/__sandbox/host/attachments`, { data: { pipeline_id: pipeline } });
  expect(res.ok()).toBe(true);
}

/**
 * Opens the Digital Pipeline page of Partners with the widget attached and clicks its source:
 * the panel opens on Partners and its list is in.
 */
async function openAttached(page: Page, request: APIRequestContext): Promise<Locator> {
  await attach(request, PIPELINES.partners.id);
  expect(await openPage(page, env, `/leads/pipeline/${PIPELINES.partners.id}/settings`)).toBe(true);
  await page.locator('#dp-source-tile-sources_manager').getByRole('button', { name: WIDGET, exact: true }).click();
  const panel = panelOf(page, PIPELINES.partners.name);
  await expect(panelRows(panel)).toHaveText([DEMO.partners.ext, DEMO.calls.ext]);
  await expect(panel.locator('select[aria-busy="true"]')).toHaveCount(0);
  await leadsRead(panel, 2);
  return panel;
}

/** Waits until the panel's own read of its pipeline's leads is done: each of its `rows` has its traffic line. */
async function leadsRead(panel: Locator, rows: number): Promise<void> {
  await expect(panel.locator('[data-traffic-line]')).toHaveCount(rows);
}

test('the Digital Pipeline page lists each pipeline\'s sources of the integration', async ({ page }) => {
  expect(await openPage(page, env, `/leads/pipeline/${PIPELINES.partners.id}/settings`)).toBe(true);
  await expect(pageList(page).getByRole('listitem')).toHaveCount(2);
  expect(await pageNames(page)).toEqual([DEMO.partners.name, DEMO.calls.name]);
  await expect(pageList(page).getByRole('listitem').first()).toContainText(DEMO.partners.ext);

  expect(await openPage(page, env, `/leads/pipeline/${PIPELINES.sales.id}/settings`)).toBe(true);
  await expect(pageList(page).getByRole('listitem')).toHaveCount(3);
  await expect(pageList(page).getByRole('listitem').filter({ hasText: DEMO.chat.name })).toContainText('default');
  // Nothing of the widget's opens by itself: it is not attached here.
  await expect(page.locator('.ksm-layer')).toHaveCount(0);
  expect(await hostErrors(page)).toEqual([]);
});

for (const as of ['number', 'string'] as const) {
  test(`opening the attached source goes straight to its pipeline (pipeline id as a ${as})`, async ({ page, request }) => {
    await hostSwitch(request, env.sb, { pipeline_id_as: as });
    const panel = await openAttached(page, request);
    await expect(panel.getByRole('heading', { name: `Sources in pipeline ${PIPELINES.partners.name}` })).toBeFocused();
    // No add form: the widget was not added just now, it is opened on what is there.
    await expect(panel.getByRole('region')).toHaveCount(0);
    await expect(rowOf(panel, DEMO.calls.ext).getByRole('textbox', { name: 'Name' })).toHaveValue(DEMO.calls.name);
    expect(await lifecycle(page)).toEqual(['render', 'init', 'bind_actions']);
    expect(await hostErrors(page)).toEqual([]);
  });
}

test('adding the widget as a source opens its panel on that pipeline and creates a source there', async ({ page, request }) => {
  expect(await openPage(page, env, `/leads/pipeline/${PIPELINES.partners.id}/settings`)).toBe(true);
  await page.getByRole('button', { name: '+ Add source' }).click();
  await page.getByRole('dialog', { name: 'Add source' }).getByRole('button', { name: new RegExp(WIDGET) }).click();
  const panel = panelOf(page, PIPELINES.partners.name);
  const offer = panel.getByRole('region', { name: `Add a source to pipeline ${PIPELINES.partners.name}` });
  const name = offer.getByRole('textbox', { name: 'Name' });
  await expect(name).toBeFocused();
  await expect(name).toHaveValue(PIPELINES.partners.name);
  // One row of buttons under the form, and no second "Add source" beside it.
  const create = offer.getByRole('button', { name: /^Create(?! new sources)( |$)/ });
  const cancel = offer.getByRole('button', { name: 'Cancel', exact: true });
  expect((await create.boundingBox())!.y).toBe((await cancel.boundingBox())!.y);
  await expect(panel.getByRole('button', { name: 'Add source' })).toHaveCount(0);
  // Beside the form, the pipeline's sources; the page, redrawn with the attached source, still lists them.
  await expect(panelRows(panel)).toHaveText([DEMO.partners.ext, DEMO.calls.ext]);
  await expect(page.locator('#dp-source-tile-sources_manager')).toBeVisible();
  expect(await pageNames(page)).toEqual([DEMO.partners.name, DEMO.calls.name]);
  await leadsRead(panel, 2);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  await offer.getByRole('textbox', { name: 'External ID' }).fill('partners-dp');
  await offer.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
  await expect(offer.locator('[data-done]')).toHaveText(
    `Done: leads from this source now land in pipeline ${PIPELINES.partners.name}`);
  await expect(offer.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(panelRows(panel)).toHaveText([DEMO.partners.ext, DEMO.calls.ext, 'partners-dp']);
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
  expect(JSON.parse(calls[0].body!)).toEqual([
    expect.objectContaining({ name: PIPELINES.partners.name, external_id: 'partners-dp', pipeline_id: PIPELINES.partners.id }),
  ]);
  // The page lists it too, without a reload.
  await expect.poll(() => pageNames(page)).toEqual([DEMO.partners.name, DEMO.calls.name, PIPELINES.partners.name]);

  await offer.getByRole('button', { name: 'Close' }).click();
  await expect(offer).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Add source' })).toBeFocused();
  expect(await hostErrors(page)).toEqual([]);
});

test('the panel reads its pipeline\'s leads of the last 7 days and shows which sources bring leads', async ({ page, request }) => {
  const id = async (ext: string) => (await serverSources(request, env)).find((s) => s.external_id === ext).id;
  await seedLeads(request, env.sb, [
    { count: 4, days: 5, source_id: await id(DEMO.partners.ext), pipeline_id: PIPELINES.partners.id },
    // Leads now in another pipeline are not the panel's to read.
    { count: 3, days: 1, source_id: await id(DEMO.calls.ext), pipeline_id: PIPELINES.sales.id },
  ]);
  const calls = recordApi(page);
  const panel = await openAttached(page, request);
  await expect(rowOf(panel, DEMO.partners.ext).locator('[data-traffic-line]')).toContainText('4 leads in 7 days');
  await expect(rowOf(panel, DEMO.calls.ext).locator('[data-flag="silent"]')).toHaveText('No leads in this period');
  const leads = calls.filter((c) => c.path.startsWith('/api/v4/leads?'));
  expect(leads).toHaveLength(1);
  const q = new URL(leads[0].path, 'http://x').searchParams;
  expect(q.get('filter[pipeline_id]')).toBe(String(PIPELINES.partners.id));
  expect(Number(q.get('filter[created_at][from]'))).toBeGreaterThan(Date.now() / 1000 - 8 * 86400);
});

test('a source edited in the panel sends its name alone, and the page follows', async ({ page, request }) => {
  const panel = await openAttached(page, request);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);
  const row = rowOf(panel, DEMO.calls.ext);
  await row.getByRole('textbox', { name: 'Name' }).fill('Phone calls (DP)');
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(panel)).toHaveText('Saved.');
  const id = (await serverSources(request, env)).find((s) => s.external_id === DEMO.calls.ext).id;
  expect(calls.map((c) => [c.method, c.path, JSON.parse(c.body!)])).toEqual([
    ['PATCH', `/api/v4/sources/${id}`, { name: 'Phone calls (DP)' }],
  ]);
  await expect.poll(() => pageNames(page)).toEqual([DEMO.partners.name, 'Phone calls (DP)']);
});

test('a source made the default in the panel is the default on the server and on the page', async ({ page, request }) => {
  const panel = await openAttached(page, request);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);
  await rowOf(panel, DEMO.calls.ext).getByRole('checkbox', { name: 'Default source' }).check();
  await expect(status(panel)).toHaveText('Saved.');
  expect(calls.map((c) => JSON.parse(c.body!))).toEqual([{ default: true }]);
  const server = await serverSources(request, env);
  expect(server.filter((s) => s.default).map((s) => s.external_id)).toEqual([DEMO.calls.ext]);
  await expect(pageList(page).getByRole('listitem').filter({ hasText: DEMO.calls.name })).toContainText('default');
});

test('a source moved to another pipeline leaves this pipeline\'s list and the page\'s', async ({ page, request }) => {
  const panel = await openAttached(page, request);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);
  const row = rowOf(panel, DEMO.calls.ext);
  // The narrow table keeps the pipeline under the row, behind its Details toggle.
  await expect(panel.getByRole('combobox', { name: 'Pipeline' })).toHaveCount(0);
  const details = row.getByRole('button', { name: /^Details/ });
  await details.click();
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  await panel.getByRole('combobox', { name: 'Pipeline' }).selectOption(String(PIPELINES.sales.id));
  // Chosen, not yet saved: still here.
  await expect(panelRows(panel)).toHaveText([DEMO.partners.ext, DEMO.calls.ext]);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(panelRows(panel)).toHaveText([DEMO.partners.ext]);
  await expect(status(panel)).toHaveText(`Moved to ${PIPELINES.sales.name}.`);
  // Its Save button went with it: focus goes to "Add source", still in the panel.
  await expect(panel.getByRole('button', { name: 'Add source' })).toBeFocused();
  expect(calls.map((c) => JSON.parse(c.body!))).toEqual([{ pipeline_id: PIPELINES.sales.id }]);
  expect((await serverSources(request, env)).find((s) => s.external_id === DEMO.calls.ext).pipeline_id)
    .toBe(PIPELINES.sales.id);
  await expect.poll(() => pageNames(page)).toEqual([DEMO.partners.name]);
});

test('a source deleted in the panel goes after its undo window, from the server and the page', async ({ page, request }) => {
  const panel = await openAttached(page, request);
  await zeroCounters(request, env.sb);
  await rowOf(panel, DEMO.partners.ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  const confirm = panel.getByRole('region', { name: /^Delete (this source|these \d+ sources)\?$/ });
  await expect(confirm).toContainText(DEMO.partners.name);
  await confirm.getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  await expect(panel.locator('.ksm-toast')).toContainText(DEMO.partners.name);
  await expect(panelRows(panel)).toHaveText([DEMO.calls.ext]);
  expect(await sent(request, env.sb)).toEqual({ 'DELETE /api/v4/sources/{id}': 1 });
  expect((await serverSources(request, env)).map((s) => s.external_id)).not.toContain(DEMO.partners.ext);
  await expect.poll(() => pageNames(page)).toEqual([DEMO.calls.name]);
});

test('an existing source of another pipeline can be moved in from the add form with one PATCH', async ({ page, request }) => {
  const ig = (await serverSources(request, env)).find((s) => s.external_id === DEMO.ig.ext);
  expect(await openPage(page, env, '/digital-pipeline')).toBe(true);
  await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id);
  const panel = panelOf(page, PIPELINES.partners.name);
  const offer = panel.getByRole('region', { name: `Add a source to pipeline ${PIPELINES.partners.name}` });
  const choose = offer.getByRole('combobox', { name: 'Or move an existing source here' });
  await expect(choose.locator('option')).toContainText([`${DEMO.ig.name} · ${DEMO.ig.ext}`]);
  // Sources already in that pipeline are not offered.
  await expect(choose.locator('option', { hasText: DEMO.partners.ext })).toHaveCount(0);
  await expect(offer.getByRole('button', { name: 'Move here' })).toBeDisabled();
  await leadsRead(panel, 2);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  await choose.selectOption(String(ig.id));
  await offer.getByRole('button', { name: 'Move here' }).click();
  await expect(offer.locator('[data-done]')).toContainText(PIPELINES.partners.name);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
  expect(calls[0].path).toBe(`/api/v4/sources/${ig.id}`);
  expect(JSON.parse(calls[0].body!)).toEqual({ pipeline_id: PIPELINES.partners.id });
  await expect(panelRows(panel)).toHaveText([DEMO.partners.ext, DEMO.ig.ext, DEMO.calls.ext]);
});

test('the form\'s Name field gets focus and keeps it once the lists arrive', async ({ page, request }) => {
  expect(await openPage(page, env, '/digital-pipeline')).toBe(true);
  // A slow list: the form is up (and focused) before the sources arrive and the panel changes.
  expect((await request.post(`${env.sb.url}/__sandbox/delay`, { data: { ms: 600, count: 1, method: 'GET', path: '/api/v4/sources' } })).ok()).toBe(true);
  await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id);
  const panel = panelOf(page, PIPELINES.partners.name);
  const offer = panel.getByRole('region');
  const name = offer.getByRole('textbox', { name: 'Name' });
  await expect(name).toBeFocused();
  await expect(offer.getByRole('combobox', { name: 'Or move an existing source here' })).toBeVisible();
  await expect(panelRows(panel)).toHaveCount(2);
  await expect(name).toHaveValue(PIPELINES.partners.name);
  await expect(name).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.type(' (typed)');
  await expect(name).toHaveValue(`${PIPELINES.partners.name} (typed)`);
});

test('keyboard: Escape closes the form, then the panel, and focus returns to what opened it', async ({ page, request }) => {
  expect(await openPage(page, env, `/leads/pipeline/${PIPELINES.partners.id}/settings`)).toBe(true);
  const opener = page.getByRole('button', { name: '+ Add source' });
  const choose = async () => {
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Add source' }).getByRole('button', { name: new RegExp(WIDGET) }).focus();
    await page.keyboard.press('Enter');
  };
  await opener.focus();
  await choose();
  const panel = panelOf(page, PIPELINES.partners.name);
  const offer = panel.getByRole('region');
  await expect(offer.getByRole('textbox', { name: 'Name' })).toBeFocused();
  await expect(panelRows(panel)).toHaveCount(2);
  await leadsRead(panel, 2);
  await zeroCounters(request, env.sb);

  // Tab stays in the panel, which is modal.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('.ksm-side'))).toBe(true);
  }

  await page.keyboard.press('Escape');
  await expect(offer).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Add source' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('.ksm-layer')).toHaveCount(0);
  await expect(opener).toBeFocused();
  // The widget closed its own panel; nothing was sent and nothing of it is left.
  expect(await sent(request, env.sb)).toEqual({});
  expect(await lifecycle(page)).not.toContain('destroy');
  expect(await hostErrors(page)).toEqual([]);

  // Adding again opens a fresh, working form.
  await choose();
  await expect(offer.getByRole('textbox', { name: 'Name' })).toBeFocused();
  await expect(offer.getByRole('textbox', { name: 'Name' })).toHaveValue(PIPELINES.partners.name);
});

test('keyboard: the close button and Escape close a panel opened on its pipeline, focus back on the source', async ({ page, request }) => {
  const panel = await openAttached(page, request);
  const tile = page.locator('#dp-source-tile-sources_manager').getByRole('button', { name: WIDGET, exact: true });
  await panel.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('.ksm-layer')).toHaveCount(0);
  await expect(tile).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(panel.getByRole('heading')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('.ksm-layer')).toHaveCount(0);
  await expect(tile).toBeFocused();

  // Leaving the area (the host's destroy) takes the panel off the page as well.
  await page.keyboard.press('Enter');
  await expect(panelRows(panel)).toHaveCount(2);
  expect(await page.evaluate(() => (window as any).__host.closeSource())).toBe(true);
  await expect(page.locator('.ksm-layer')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__host.residue)).toBe(0);
  expect(await hostErrors(page)).toEqual([]);
});

test('Escape with an unsaved rename asks first: keeping it returns to the field, discarding closes the panel', async ({ page, request }) => {
  const panel = await openAttached(page, request);
  const name = rowOf(panel, DEMO.calls.ext).getByRole('textbox', { name: 'Name' });
  await name.fill('Phone calls (DP)');
  await page.keyboard.press('Escape');
  const ask = panel.getByRole('region', { name: 'Discard unsaved changes?' });
  await expect(ask).toBeVisible();
  await expect(ask.getByRole('button', { name: 'Keep editing' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(name).toBeFocused();
  await expect(name).toHaveValue('Phone calls (DP)');

  await panel.getByRole('button', { name: 'Close' }).click();
  await ask.getByRole('button', { name: 'Discard and close' }).click();
  await expect(panel).toHaveCount(0);
  expect((await serverSources(request, env)).find((s) => s.external_id === DEMO.calls.ext).name).toBe(DEMO.calls.name);
});

test('screenshot of the Digital Pipeline panel with its traffic for the README', async ({ page, request }) => {
  test.skip(!!env.relay, 'one screenshot, from the direct build');
  await page.setViewportSize({ width: 1280, height: 800 });
  const id = async (ext: string) => (await serverSources(request, env)).find((s) => s.external_id === ext).id;
  await seedLeads(request, env.sb, [{ count: 6, days: 6, source_id: await id(DEMO.partners.ext), pipeline_id: PIPELINES.partners.id }]);
  const panel = await openAttached(page, request);
  await page.mouse.move(0, 0);
  const file = path.join(ROOT, 'docs', 'panel.png');
  await panel.screenshot({ path: file });
  expect(statSync(file).size).toBeGreaterThan(10_000);
});
