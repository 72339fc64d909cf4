// An integration without Kommo's Multiple sources flag: Kommo made one source for it at
// install. Once the admin names it in the widget's settings, the widget shows it for what it
// is, in the list, in the settings modal and when it is about to be deleted.
import { expect, test } from '@playwright/test';
import { ADVANCED, openAdvanced, openPage, rowOf, serverSources, useWidgetSandbox } from './fixtures/widget';

const env = useWidgetSandbox({ extraArgs: ['--no-multiple-sources'] });

const INSTALL = { name: 'Sources Manager', ext: 'sources_manager' };
const TAG = 'Created by Kommo at install';
const FIELD = 'External ID of the source Kommo created when you installed the integration (optional)';

test('the install source is a plain row until the settings name it', async ({ page, request }) => {
  const first = (await serverSources(request, env))[0];
  expect(first).toMatchObject({ name: INSTALL.name, external_id: INSTALL.ext });
  const root = await openAdvanced(page, env);
  await expect(rowOf(root, INSTALL.ext).getByRole('textbox', { name: 'Name' })).toHaveValue(INSTALL.name);
  await expect(root.locator('[data-install]')).toHaveCount(0);
});

test('named in the settings modal, it is tagged in both areas and its delete says what it is', async ({ page }) => {
  expect(await openPage(page, env, '/settings/widgets')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const modal = page.getByRole('dialog', { name: 'Lead Sources Manager' });
  // Typed as the admin may: another case, with a space.
  await modal.getByRole('textbox', { name: FIELD }).fill('Sources_Manager ');
  expect(await page.evaluate(() => (window as any).__host.saveSettings())).toBeTruthy();

  await page.evaluate(() => (window as any).__host.openSettings());
  const list = modal.getByRole('list', { name: 'Lead sources' });
  await expect(list.getByRole('listitem').filter({ hasText: INSTALL.name })).toContainText(TAG);
  await expect(list.getByRole('listitem').filter({ hasText: TAG })).toHaveCount(1);

  const root = await openAdvanced(page, env);
  const row = rowOf(root, INSTALL.ext);
  await expect(row.locator('[data-install]')).toHaveText(TAG);
  await expect(root.locator('[data-install]')).toHaveCount(1);
  await row.getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  const dialog = page.getByRole('dialog', { name: /^Delete (this source|these \d+ sources)\?$/ });
  await expect(dialog).toContainText('Kommo created this source when the integration was installed');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(new RegExp(ADVANCED));
});
