// The widget in the host's other areas: the settings modal (connection test and compact list)
// and Digital Pipeline's "add as source" (create or move a source into that pipeline).
import { expect, test } from '@playwright/test';
import {
  DEMO, openPage, PIPELINES, recordApi, sent, serverSources, useWidgetSandbox, zeroCounters,
} from './fixtures/widget';

const env = useWidgetSandbox();

test('settings modal: the compact list and a connection test with the demo token that works', async ({ page, request }) => {
  expect(await openPage(page, env, '/settings/widgets')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const dialog = page.getByRole('dialog', { name: 'Lead Sources Manager' });
  await expect(dialog.getByRole('textbox', { name: 'Long-lived token' })).toHaveValue(env.token);
  const list = dialog.getByRole('list', { name: 'Lead sources' });
  await expect(list.getByRole('listitem')).toHaveCount(6);
  await expect(list.getByRole('listitem').first()).toContainText(DEMO.chat.name);
  await expect(list.getByRole('listitem').first()).toContainText('Default source');
  await expect(list.getByRole('listitem').filter({ hasText: DEMO.expo.name })).toContainText('archived');
  await expect(dialog.locator('[data-quota] strong')).toHaveText('6 / 50');

  await zeroCounters(request, env.sb);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.locator('[data-conn="ok"]')).toHaveText('Connected. Sources of this integration: 6');
  await expect(dialog.getByRole('button', { name: 'Test connection' })).toBeEnabled();
  expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 1 });
  expect(await page.evaluate(() => (window as any).__host.errors.slice())).toEqual([]);
});

test('settings modal: a wrong token fails the test with the reason (401)', async ({ page, request }) => {
  const wrong = 'wrong-secret-value-12345';
  env.secrets.add(wrong);
  expect(await openPage(page, env, '/settings/widgets')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const dialog = page.getByRole('dialog', { name: 'Lead Sources Manager' });
  await expect(dialog.locator('[data-conn="ok"]')).toBeVisible();

  await dialog.getByRole('textbox', { name: 'Long-lived token' }).fill(wrong);
  await zeroCounters(request, env.sb);
  const sentAuth: string[] = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) sentAuth.push(r.headers()['authorization'] ?? ''); });
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  const failed = dialog.locator('[data-conn="failed"]');
  await expect(failed).toHaveText(
    'The token is missing, wrong or expired. Open the widget settings and enter a valid long-lived token.');
  expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 1 });
  // The typed token is the one tested, in the header only; it is never shown.
  expect(sentAuth).toEqual([`Bearer ${wrong}`]);
  await expect(dialog.locator('.ksm')).not.toContainText(wrong);

  // Back to the right token: it works again.
  await dialog.getByRole('textbox', { name: 'Long-lived token' }).fill(env.token);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.locator('[data-conn="ok"]')).toHaveText('Connected. Sources of this integration: 6');
});

test('Digital Pipeline: add as source offers a source prefilled with that pipeline and creates it', async ({ page, request }) => {
  expect(await openPage(page, env, '/digital-pipeline')).toBe(true);
  expect(await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id)).toBe(true);
  const panel = page.locator('#dp-source-sources_manager');
  const offer = panel.getByRole('dialog', { name: `Add a source to pipeline ${PIPELINES.partners.name}` });
  await expect(offer).toBeVisible();
  const name = offer.getByRole('textbox', { name: 'Name' });
  await expect(name).toHaveValue(PIPELINES.partners.name);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  await offer.getByRole('textbox', { name: 'External ID' }).fill('partners-dp');
  await offer.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(offer.locator('[data-done]')).toHaveText(
    `Done: leads from this source now land in pipeline ${PIPELINES.partners.name}`);
  await expect(offer.getByRole('button', { name: 'Close' })).toBeFocused();

  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
  expect(JSON.parse(calls[0].body!)).toEqual([
    expect.objectContaining({ name: PIPELINES.partners.name, external_id: 'partners-dp', pipeline_id: PIPELINES.partners.id }),
  ]);
  const created = (await serverSources(request, env)).find((s) => s.external_id === 'partners-dp');
  expect(created).toMatchObject({ name: PIPELINES.partners.name, pipeline_id: PIPELINES.partners.id });
  expect(await page.evaluate(() => (window as any).__host.errors.slice())).toEqual([]);
});

test('Digital Pipeline: an existing source can be moved into the pipeline with one PATCH', async ({ page, request }) => {
  const ig = (await serverSources(request, env)).find((s) => s.external_id === DEMO.ig.ext);
  expect(await openPage(page, env, '/digital-pipeline')).toBe(true);
  await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id);
  const offer = page.locator('#dp-source-sources_manager').getByRole('dialog');
  const choose = offer.getByRole('combobox', { name: 'Or move an existing source here' });
  await expect(choose.locator('option')).toContainText([`${DEMO.ig.name} · ${DEMO.ig.ext}`]);
  // Sources already in that pipeline are not offered.
  await expect(choose.locator('option', { hasText: DEMO.partners.ext })).toHaveCount(0);
  await expect(offer.getByRole('button', { name: 'Move here' })).toBeDisabled();
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  await choose.selectOption(String(ig.id));
  await offer.getByRole('button', { name: 'Move here' }).click();
  await expect(offer.locator('[data-done]')).toContainText(PIPELINES.partners.name);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
  expect(calls[0].path).toBe(`/api/v4/sources/${ig.id}`);
  expect(JSON.parse(calls[0].body!)).toEqual({ pipeline_id: PIPELINES.partners.id });
  expect((await serverSources(request, env)).find((s) => s.id === ig.id).pipeline_id).toBe(PIPELINES.partners.id);
});

test('Digital Pipeline: the form\'s Name field gets focus and keeps it once the lists arrive', async ({ page, request }) => {
  expect(await openPage(page, env, '/digital-pipeline')).toBe(true);
  // A slow list: the form is up (and focused) before the sources arrive and the panel changes.
  expect((await request.post(`${env.sb.url}/__sandbox/delay`, { data: { ms: 600, count: 1, method: 'GET' } })).ok()).toBe(true);
  await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id);
  const offer = page.locator('#dp-source-sources_manager').getByRole('dialog');
  const name = offer.getByRole('textbox', { name: 'Name' });
  await expect(name).toBeFocused();
  await expect(offer.getByRole('combobox', { name: 'Or move an existing source here' })).toBeVisible();
  await expect(name).toHaveValue(PIPELINES.partners.name);
  await page.waitForTimeout(300);
  await expect(name).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.type(' (typed)');
  await expect(name).toHaveValue(`${PIPELINES.partners.name} (typed)`);
});

for (const how of ['Cancel', 'Escape'] as const) {
  test(`Digital Pipeline: ${how} closes the host's panel, creates nothing and leaves nothing behind`, async ({ page, request }) => {
    expect(await openPage(page, env, '/digital-pipeline')).toBe(true);
    await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id);
    const panel = page.locator('#dp-panel');
    const offer = page.locator('#dp-source-sources_manager').getByRole('dialog');
    await expect(offer.getByRole('textbox', { name: 'Name' })).toBeFocused();
    // The form has focus before its lists arrive: count from when both requests are in.
    await expect(offer.getByRole('combobox', { name: 'Or move an existing source here' })).toBeVisible();
    await expect.poll(async () => Object.keys(await sent(request, env.sb)).sort()).toEqual([
      'GET /api/v4/leads/pipelines',
      'GET /api/v4/sources',
    ]);
    await zeroCounters(request, env.sb);

    if (how === 'Cancel') await offer.getByRole('button', { name: 'Cancel' }).click();
    else await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    expect(await page.evaluate(() => (window as any).__host.lifecycle.slice(-1))).toEqual(['destroy']);
    expect(await page.evaluate(() => (window as any).__host.residue)).toBe(0);
    // Focus goes back to the host's control that opened the panel.
    await expect(page.locator('#dp-add-source')).toBeFocused();
    expect(await sent(request, env.sb)).toEqual({});
    expect(await page.evaluate(() => (window as any).__host.errors.slice())).toEqual([]);

    // Adding again opens a fresh, working form.
    await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id);
    await expect(panel).toBeVisible();
    await expect(offer.getByRole('textbox', { name: 'Name' })).toBeFocused();
    await expect(offer.getByRole('textbox', { name: 'Name' })).toHaveValue(PIPELINES.partners.name);
  });
}

test('leaving the advanced page unmounts the widget without leaving anything behind', async ({ page }) => {
  expect(await openPage(page, env, '/settings/widgets/sources_manager/advanced')).toBe(true);
  const area = page.locator('#work-area-sources_manager');
  await expect(area.locator('tbody tr[data-k^="s"]')).toHaveCount(6);
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => (window as any).__host.leaveAdvanced());
    expect(await page.evaluate(() => (window as any).__host.residue)).toBe(0);
    await expect(area.locator('.ksm')).toHaveCount(0);
    await page.evaluate(() => (window as any).__host.enterAdvanced());
    await expect(area.locator('tbody tr[data-k^="s"]')).toHaveCount(6);
  }
  expect(await page.evaluate(() => (window as any).__host.errors.slice())).toEqual([]);
});
