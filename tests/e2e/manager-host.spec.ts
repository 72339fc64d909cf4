// The widget in the host's other areas: the settings modal (connection test and compact list)
// and leaving the advanced page. Digital Pipeline has its own spec, manager-pipeline.
import { expect, test } from '@playwright/test';
import {
  DEMO, openPage, sent, useWidgetSandbox, zeroCounters,
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
  // Said in the modal's own words: the token is entered right here.
  await expect(failed).toHaveText(
    'The token is missing, wrong or expired. Enter a valid long-lived token above and test the connection.');
  expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 1 });
  // The typed token is the one tested, in the header only; it is never shown.
  expect(sentAuth).toEqual([`Bearer ${wrong}`]);
  await expect(dialog.locator('.ksm')).not.toContainText(wrong);

  // Back to the right token: it works again.
  await dialog.getByRole('textbox', { name: 'Long-lived token' }).fill(env.token);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.locator('[data-conn="ok"]')).toHaveText('Connected. Sources of this integration: 6');
});

test('settings modal: Save refuses an empty token, a limit that is not a number and a token its test refused, on their fields', async ({ page, request }) => {
  expect(await openPage(page, env, '/settings/widgets')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const dialog = page.getByRole('dialog', { name: 'Lead Sources Manager' });
  await expect(dialog.locator('[data-conn="ok"]')).toBeVisible();
  const token = dialog.getByRole('textbox', { name: 'Long-lived token' });
  const limit = dialog.locator('input[name="limit"]');
  const refusal = dialog.locator('[data-refusal]');
  const save = () => page.evaluate(() => (window as any).__host.saveSettings());

  await token.fill('');
  expect(await save(), 'an empty token is not stored').toBe(false);
  await expect(refusal).toHaveText('Not saved: enter the long-lived token first.');
  await expect(refusal).toHaveAttribute('data-refusal', 'token');
  await expect(token).toHaveAttribute('aria-invalid', 'true');
  await expect(token).toBeFocused();

  await token.fill(env.token);
  await limit.fill('abc');
  expect(await save(), 'a limit of abc is not stored').toBe(false);
  await expect(refusal).toHaveAttribute('data-refusal', 'limit');
  await expect(limit).toHaveAttribute('aria-invalid', 'true');
  await expect(token).not.toHaveAttribute('aria-invalid', 'true');

  // A token edited after the good test is tested again by Save, and refused when it fails.
  const wrong = 'wrong-secret-value-67890';
  env.secrets.add(wrong);
  await limit.fill('');
  await token.fill(wrong);
  await expect(dialog.locator('[data-conn]')).toHaveCount(0);
  await zeroCounters(request, env.sb);
  expect(await save(), 'a token its test refused is not stored').toBe(false);
  expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 1 });
  await expect(refusal).toHaveText('Not saved: the connection test with this token failed. Enter a valid token and test it again.');
  await expect(dialog).toBeVisible();

  // The right token, tested by Save, is stored and the modal closes.
  await token.fill(env.token);
  expect(await save()).toBe(true);
  await expect(dialog).toHaveCount(0);
});

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
