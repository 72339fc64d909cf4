// Keyboard-only use of the manager: reaching the create form with Tab, submitting with Enter,
// and Escape closing dialogs with focus kept in the widget.
import { expect, Page, test } from '@playwright/test';
import {
  DEMO, draftRows, openAdvanced, rowOf, sent, serverSources, status, useWidgetSandbox, zeroCounters,
} from './fixtures/widget';

const env = useWidgetSandbox();

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 120): Promise<number> {
  for (let i = 0; i <= max; i++) {
    if (await page.evaluate((sel) => !!document.activeElement && document.activeElement.matches(sel), selector)) return i;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector} in ${max} presses`);
}

/** A description of the focused element, for messages. */
const focused = (page: Page) => page.evaluate(() => {
  const e = document.activeElement as HTMLElement | null;
  return e ? `${e.tagName.toLowerCase()}[data-a=${e.getAttribute('data-a')}] ${e.textContent?.trim() ?? ''}` : 'none';
});

test('Tab reaches the create form, typing fills it and Enter creates the source', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);

  // From the top of the page, through the host's chrome, to the widget's "Add source".
  await page.locator('body').focus();
  await tabTo(page, '#work-area-sources_manager [data-a="add"]');
  await page.keyboard.press('Enter');
  await expect(draftRows(root)).toHaveCount(1);

  await tabTo(page, '#work-area-sources_manager tr[data-k^="n"] input[data-a="name"]');
  await page.keyboard.type('Keyboard source');
  await page.keyboard.press('Tab');
  expect(await focused(page)).toContain('[data-a=ext]');
  await page.keyboard.type('kbd-source');
  await page.keyboard.press('Enter');

  await expect(status(root)).toHaveText('1 source created.');
  await expect(rowOf(root, 'kbd-source').getByRole('textbox', { name: 'Name' })).toHaveValue('Keyboard source');
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
});

test('Escape closes the delete confirmation without deleting, and focus returns to its Delete button', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);

  const del = rowOf(root, DEMO.calls.ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ });
  await del.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /^Delete (this source|these \d+ sources)\?$/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: /^Delete(?! selected)( |$)/ })).toBeFocused();

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(root.locator('.ksm-toast')).toHaveCount(0);
  await expect(del).toBeFocused();
  await expect(rowOf(root, DEMO.calls.ext)).toHaveCount(1);
  expect(await sent(request, env.sb)).toEqual({});
});

test('Tab and Shift+Tab stay inside the confirmation dialog', async ({ page }) => {
  const root = await openAdvanced(page, env);
  await rowOf(root, DEMO.wa.ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  const dialog = page.getByRole('dialog', { name: /^Delete (this source|these \d+ sources)\?$/ });
  const confirm = dialog.getByRole('button', { name: /^Delete(?! selected)( |$)/ });
  const cancel = dialog.getByRole('button', { name: 'Cancel' });
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(rowOf(root, DEMO.wa.ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ })).toBeFocused();
});

test('keyboard-only delete and undo: Enter confirms, Enter on the focused Undo keeps the source', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);

  await rowOf(root, DEMO.ig.ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: /^Delete (this source|these \d+ sources)\?$/ })).toBeVisible();
  await page.keyboard.press('Enter');
  const undo = root.locator('.ksm-toast').getByRole('button', { name: 'Undo' });
  await expect(undo).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(root.locator('.ksm-toast')).toHaveCount(0);
  await expect(rowOf(root, DEMO.ig.ext)).toHaveCount(1);
  await expect(rowOf(root, DEMO.ig.ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ })).toBeFocused();
  expect(await sent(request, env.sb)).toEqual({});
});

test('Escape closes the import preview and nothing is applied', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  await root.locator('input[type="file"][data-a="import"]').setInputFiles({
    name: 'one.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify([{ name: 'From file', external_id: 'from-file' }])),
  });
  const dialog = page.getByRole('dialog', { name: 'Import preview' });
  await expect(dialog.getByRole('button', { name: 'Apply import' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(root.locator('input[type="file"][data-a="import"]')).toBeFocused();
  await expect(rowOf(root, 'from-file')).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({});
});

test('Add source, clicked or pressed with Enter, puts focus in the new row\'s Name field', async ({ page }) => {
  const root = await openAdvanced(page, env);
  const add = root.getByRole('button', { name: 'Add source' });
  await add.click();
  await expect(draftRows(root).nth(0).getByRole('textbox', { name: 'Name' })).toBeFocused();

  await add.focus();
  await page.keyboard.press('Enter');
  await expect(draftRows(root)).toHaveCount(2);
  const second = draftRows(root).nth(1).getByRole('textbox', { name: 'Name' });
  await expect(second).toBeFocused();
  await page.keyboard.type('Typed right away');
  await expect(second).toHaveValue('Typed right away');
});

test('Escape inside the settings modal closes the host modal when no widget dialog is open', async ({ page }) => {
  await page.goto(env.sb.url + '/settings/widgets');
  expect(await page.evaluate(() => (window as any).__host.ready)).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const dialog = page.getByRole('dialog', { name: 'Lead Sources Manager' });
  await dialog.getByRole('button', { name: 'Test connection' }).focus();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__host.lifecycle.slice(-1))).toEqual(['destroy']);
});

test('keyboard only, focus never falls to the page: add, edit, save, default, lead snippet, delete', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const inWidget = async (what: string) => {
    expect(await page.evaluate(() => document.activeElement !== document.body), `${what}: focus is not on the page's body`).toBe(true);
  };
  const isFocused = async (selector: string, what: string) => {
    await expect.poll(() => page.evaluate((sel) => !!document.activeElement?.matches(sel), selector), `${what}: ${await focused(page)}`).toBe(true);
  };

  // Add: Enter on "Add source", type, Enter creates; focus lands on the created row's name.
  await root.locator('[data-a="add"]').first().focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('Keys only');
  await page.keyboard.press('Tab');
  await page.keyboard.type('keys-only');
  await page.keyboard.press('Enter');
  await expect(status(root)).toHaveText('1 source created.');
  const row = rowOf(root, 'keys-only');
  const name = row.getByRole('textbox', { name: 'Name' });
  await expect(name).toBeFocused();

  // Edit and save: the row's Save goes once saved, and focus stays on the row's name.
  await page.keyboard.press('End');
  await page.keyboard.type(' 2');
  await tabTo(page, '#work-area-sources_manager [data-k] [data-a="save"]');
  await page.keyboard.press('Enter');
  await expect(status(root)).toHaveText('Saved.');
  await expect(name).toHaveValue('Keys only 2');
  await expect(name).toBeFocused();

  // Default: Space on the checkbox; focus stays on it once the server answered.
  const def = row.getByRole('checkbox', { name: 'Default source' });
  await def.focus();
  await page.keyboard.press('Space');
  await expect(def).toBeChecked();
  await expect(def).toBeEnabled();
  await expect(def).toBeFocused();

  // The lead snippet: Enter opens it, Enter sends the test lead, focus stays in the dialog,
  // and Escape still closes it, back to the row's button.
  const snippetBtn = row.getByRole('button', { name: 'Lead snippet' });
  await snippetBtn.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /^Create leads from this source/ });
  await expect(dialog).toBeVisible();
  const send = dialog.getByRole('button', { name: 'Send a test lead' });
  await send.focus();
  await page.keyboard.press('Enter');
  await expect(dialog.locator('[data-landed]')).toBeVisible();
  await expect(send).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(snippetBtn).toBeFocused();

  // Delete: Enter, Enter confirms; once gone, focus is still in the widget.
  await row.getByRole('button', { name: /^Delete(?! selected)( |$)/ }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(rowOf(root, 'keys-only')).toHaveCount(0, { timeout: 15_000 });
  await inWidget('after the delete');
  await isFocused('#work-area-sources_manager *', 'after the delete');
  expect((await serverSources(request, env)).some((s) => s.external_id === 'keys-only')).toBe(false);
});
