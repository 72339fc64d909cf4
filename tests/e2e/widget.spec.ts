// The manager used from the keyboard alone, and kept usable through server faults without
// losing what was typed; user and server strings never become markup.
import { expect, test } from '@playwright/test';
import {
  banner, DEMO, fault, openAdvanced, rowOf, sent, status, useWidgetSandbox, zeroCounters,
} from './fixtures/widget';

const env = useWidgetSandbox();

const focused = (page: import('@playwright/test').Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-a') ?? document.activeElement?.tagName);

test('keyboard only: Enter saves, the delete dialog keeps Tab inside, Escape closes and cancels', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  const row = rowOf(root, DEMO.calls.ext);
  const name = row.getByRole('textbox', { name: 'Name' });
  await name.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Calls (keyboard)');
  await page.keyboard.press('Enter');
  await expect(status(root)).toHaveText('Saved.');

  await row.getByRole('button', { name: 'Delete' }).focus();
  await page.keyboard.press('Enter');
  const dialog = root.getByRole('dialog');
  await expect(dialog).toContainText('Calls (keyboard)');
  expect(await focused(page)).toBe('confirm');
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('close');
  await page.keyboard.press('Tab');
  expect(await focused(page), 'Tab wraps inside the dialog').toBe('confirm');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await focused(page), 'focus returns to the Delete button').toBe('del');

  // Confirm, then Escape during the undo window: nothing is deleted.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(root.locator('.ksm-toast')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(root.locator('.ksm-toast')).toHaveCount(0);
  await page.waitForTimeout(5_500);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
});

test('a 500 keeps the edit and Retry sends the same PATCH once more', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  await fault(request, env.sb, { method: 'PATCH', status: 500, json: { status: 500, detail: 'boom', trace_id: 't-42' } });
  const row = rowOf(root, DEMO.chat.ext);
  await row.getByRole('textbox', { name: 'Name' }).fill('Chat after the fault');
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(banner(root)).toContainText("Kommo's server failed");
  await expect(banner(root)).toContainText('t-42');
  await expect(row.getByRole('textbox', { name: 'Name' })).toHaveValue('Chat after the fault');
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });

  await banner(root).getByRole('button', { name: 'Retry' }).click();
  await expect(status(root)).toHaveText('Saved.');
  await expect(banner(root)).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 2 });
});

test("a 429 counts down the server's wait, then resends by itself", async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  await fault(request, env.sb, {
    method: 'POST', status: 429, headers: { 'Retry-After': '2' }, json: { status: 429, retry_after: 2 },
  });
  await root.getByRole('button', { name: 'Add source' }).click();
  const draft = root.locator('tbody tr[data-k^="n"]');
  await draft.getByRole('textbox', { name: 'Name' }).fill('Waited');
  await draft.getByRole('textbox', { name: 'External ID' }).fill('waited');
  await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
  await expect(banner(root).locator('[data-countdown]')).toBeVisible();
  await expect(status(root)).toHaveText('1 source created.', { timeout: 8_000 });
  await expect(rowOf(root, 'waited')).toHaveCount(1);
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 2 });
});

test('markup typed by the user or sent by the server stays text', async ({ page, request }) => {
  await page.addInitScript(() => { (window as any).__pwned = 0; });
  const root = await openAdvanced(page, env);
  const evil = '<img src=x onerror="window.__pwned=1">';
  await fault(request, env.sb, { method: 'PATCH', status: 400, json: { status: 400, detail: evil } });
  const row = rowOf(root, DEMO.wa.ext);
  await row.getByRole('textbox', { name: 'Name' }).fill(evil);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(banner(root)).toContainText(evil);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(root)).toHaveText('Saved.');
  await expect(rowOf(root, DEMO.wa.ext).getByRole('textbox', { name: 'Name' })).toHaveValue(evil);
  expect(await root.locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBe(0);
});
