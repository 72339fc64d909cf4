// The relay build: no token anywhere in the browser, every call through kommo-relay with
// Kommo's X-Auth-Token, and what an admin sees when the relay refuses.
import { expect, test } from '@playwright/test';
import { ADVANCED, api, banner, DEMO, manager, openAdvanced, openPage, relayMode, rowOf, sent, useWidgetSandbox, zeroCounters } from './fixtures/widget';

const env = useWidgetSandbox();

test.beforeEach(() => {
  test.skip(!relayMode(), 'runs in the relay project only');
});

/** Opens the settings modal of the host page. */
async function openSettings(page: import('@playwright/test').Page) {
  expect(await openPage(page, env, '/settings/widgets')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  return page.getByRole('dialog', { name: 'Lead Sources Manager' });
}

test('settings modal: no token field, and it says the account is connected through the relay', async ({ page, request }) => {
  const headers: Record<string, string>[] = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) headers.push({ url: r.url(), ...r.headers() }); });
  const dialog = await openSettings(page);
  await expect(dialog.locator('[data-conn="ok"]')).toHaveText('Connected. Sources of this integration: 6');
  await expect(dialog).toContainText("This account is connected through the integration's server");
  await expect(dialog.getByRole('textbox', { name: 'Long-lived token' })).toHaveCount(0);
  await expect(dialog.getByRole('list', { name: 'Lead sources' }).getByRole('listitem')).toHaveCount(6);

  await zeroCounters(request, env.sb);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByRole('button', { name: 'Test connection' })).toBeEnabled();
  await expect(dialog.locator('[data-conn="ok"]')).toBeVisible();
  expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 1 });
  // Every API call of the page went to the relay, with an X-Auth-Token and no Authorization.
  expect(headers.length).toBeGreaterThan(1);
  for (const h of headers) {
    expect(h.url.startsWith(env.relay! + '/api/v4/')).toBe(true);
    expect(h['x-auth-token']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(h.authorization).toBeUndefined();
  }
});

test('a user who is not an administrator is told who can manage sources; nothing is sent to the API', async ({ page, request }) => {
  expect((await request.post(`${env.sb.url}/__sandbox/host/user`, { data: { user_id: 2 } })).ok()).toBe(true);
  await zeroCounters(request, env.sb);
  expect(await openPage(page, env, ADVANCED)).toBe(true);
  await expect(banner(manager(page))).toContainText('Only administrators of the account can manage lead sources.');
  const seen = await sent(request, env.sb);
  expect(seen['GET /api/v4/sources'] ?? 0).toBe(0);
});

test('an edit goes through the relay and is on the server', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  const name = rowOf(root, DEMO.calls.ext).getByRole('textbox', { name: 'Name' });
  await name.fill('Phone calls (relay)');
  await rowOf(root, DEMO.calls.ext).getByRole('button', { name: 'Save' }).click();
  await expect(rowOf(root, DEMO.calls.ext).getByRole('button', { name: 'Save' })).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
  const onServer = await api(request, env, 'GET', `/api/v4/sources?filter[external_id]=${DEMO.calls.ext}`);
  expect(onServer.body._embedded.sources[0].name).toBe('Phone calls (relay)');
});

test('after the integration is disabled in Kommo, the widget says to reinstall it, and works again once it is', async ({ page, request }) => {
  expect((await request.post(`${env.sb.url}/__sandbox/uninstall`)).ok()).toBe(true);
  const dialog = await openSettings(page);
  const failed = dialog.locator('[data-conn="failed"]');
  await expect(failed).toHaveText(/This account is not connected to the integration's server\. Reinstall the integration/);
  expect(await openPage(page, env, ADVANCED)).toBe(true);
  await expect(banner(manager(page))).toContainText('Reinstall the integration');

  const again = await request.post(`${env.sb.url}/__sandbox/install`);
  expect((await again.json()).status).toBe(200);
  await openAdvanced(page, env);
  await expect(manager(page).locator('tbody tr[data-k^="s"]')).toHaveCount(6);
});
