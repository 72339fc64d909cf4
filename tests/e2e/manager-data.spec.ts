// WhatsApp pages, the lead JSON to copy, export to a file and import with a preview, in the
// real widget on the advanced page.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import {
  DEMO, openAdvanced, PIPELINES, recordApi, rowOf, sent, serverSources, status, useWidgetSandbox, zeroCounters,
} from './fixtures/widget';

const env = useWidgetSandbox();

test('WhatsApp pages editor shows the wa.me link and saves only the services', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const id = (await serverSources(request, env)).find((s) => s.external_id === DEMO.wa.ext).id;
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  const row = rowOf(root, DEMO.wa.ext);
  const toggle = row.getByRole('button', { name: 'Pages (2)' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const editor = root.locator(`tr.ksm-wa[data-k="${await row.getAttribute('data-k')}"]`);
  await expect(editor).toContainText(`WhatsApp · ${DEMO.wa.name}`);
  await expect(editor.getByRole('textbox', { name: 'Page name' })).toHaveCount(2);
  await expect(editor.locator('[data-wa]')).toHaveText([/^Opens https:\/\/wa\.me\/\d+$/, /^Opens https:\/\/wa\.me\/\d+$/]);
  await expect(editor.getByRole('checkbox', { name: 'WhatsApp Business API (waba)' })).toBeChecked();

  // A malformed number is refused on the field and has no link.
  const link = editor.getByRole('textbox', { name: 'Phone number' }).first();
  await link.fill('call me');
  await expect(link).toHaveAttribute('aria-invalid', 'true');
  await expect(editor.getByRole('alert')).toHaveText('Enter an international phone number (digits, optionally starting with +).');
  await expect(editor.locator('[data-wa]')).toHaveCount(1);
  await link.fill('+5511999998888');
  await expect(link).toHaveAttribute('aria-invalid', 'false');
  await expect(editor.locator('[data-wa]').first()).toHaveText('Opens https://wa.me/5511999998888');

  // A third page, and the list-message flag off.
  await editor.getByRole('button', { name: 'Add page' }).click();
  await expect(editor.getByRole('textbox', { name: 'Page name' })).toHaveCount(3);
  await editor.getByRole('textbox', { name: 'Page name' }).nth(2).fill('Night line');
  await editor.getByRole('textbox', { name: 'Page ID' }).nth(2).fill('wa-night-1');
  await editor.getByRole('textbox', { name: 'Phone number' }).nth(2).fill('15550109999');
  await expect(editor.locator('[data-wa]').nth(2)).toHaveText('Opens https://wa.me/15550109999');
  await editor.getByRole('checkbox', { name: 'Supports list messages' }).uncheck();
  await expect(row.getByRole('button', { name: 'Pages (3)' })).toBeVisible();

  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(root)).toHaveText('Saved.');
  expect(calls.map((c) => [c.method, c.path])).toEqual([['PATCH', `/api/v4/sources/${id}`]]);
  const body = JSON.parse(calls[0].body!);
  expect(Object.keys(body)).toEqual(['services']);
  expect(body.services).toHaveLength(1);
  expect(body.services[0].type).toBe('whatsapp');
  expect(body.services[0].pages.map((p: any) => p.link)).toEqual(['+5511999998888', expect.any(String), '15550109999']);
  expect(body.services[0].pages[2]).toEqual({ name: 'Night line', id: 'wa-night-1', link: '15550109999' });
  expect(body.services[0].params).toEqual({ waba: true, is_supports_list_message: false });
  // Fields the widget does not know go back as they came, on the service and on an edited page.
  expect(body.services[0].status).toBe('active');
  expect(body.services[0].pages[0]).toEqual({ name: 'Sales line', id: 'wa-sales-1', link: '+5511999998888', avatar: null });
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
  const saved = (await serverSources(request, env)).find((s) => s.id === id);
  expect(saved.services[0].pages).toHaveLength(3);
});

test('export downloads every source as JSON, without the token', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);

  const download = page.waitForEvent('download');
  await root.getByRole('button', { name: 'Export JSON' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.json$/);
  const text = readFileSync((await file.path())!, 'utf8');
  expect(text).not.toContain(env.token);
  const items = JSON.parse(text);
  expect(items.map((i: any) => i.external_id)).toEqual(Object.values(DEMO).map((d) => d.ext));
  expect(items.map((i: any) => i.name)).toEqual(Object.values(DEMO).map((d) => d.name));
  const wa = items.find((i: any) => i.external_id === DEMO.wa.ext);
  expect(wa.services[0].pages).toHaveLength(2);
  expect(items.find((i: any) => i.external_id === DEMO.chat.ext).default).toBe(true);
  // Each item names its pipeline beside the id, for an account whose ids differ.
  expect(items.find((i: any) => i.external_id === DEMO.partners.ext)).toMatchObject({
    pipeline_id: PIPELINES.partners.id, pipeline_name: 'Partners',
  });
  // Exporting reads what the widget already has: no request.
  expect(await sent(request, env.sb)).toEqual({});

  // The same file imported back changes nothing.
  await root.locator('input[type="file"][data-a="import"]').setInputFiles({
    name: 'same.json', mimeType: 'application/json', buffer: Buffer.from(text),
  });
  const dialog = page.getByRole('dialog', { name: 'Import preview' });
  await expect(dialog).toContainText('The file matches the current sources: nothing to do.');
  await expect(dialog.getByRole('button', { name: 'Apply import' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({});
});

test('import shows what will be created and changed, then applies one batch POST and one batch PATCH', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  const file = [
    { name: 'Website chat (new widget)', external_id: 'SITE-CHAT' },
    { name: DEMO.calls.name, external_id: DEMO.calls.ext },
    { name: 'Imported one', external_id: 'imp-1', origin_code: 'imp.one' },
    { name: 'Imported two', external_id: 'imp-2' },
  ];
  await root.locator('input[type="file"][data-a="import"]').setInputFiles({
    name: 'sources.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)),
  });
  const dialog = page.getByRole('dialog', { name: 'Import preview' });
  await expect(dialog).toContainText('Will be created: 2');
  await expect(dialog.locator('[data-create] li')).toHaveText(['Imported one · imp-1', 'Imported two · imp-2']);
  await expect(dialog).toContainText('Will be changed: 1');
  // Each change field by field, old → new.
  const change = dialog.locator('[data-update] > li');
  await expect(change).toHaveCount(1);
  await expect(change.locator('> strong')).toHaveText(DEMO.chat.name);
  await expect(change.locator('.ksm-changes li')).toHaveText([`Name: “${DEMO.chat.name}” → “Website chat (new widget)”`]);
  await expect(dialog).toContainText('Unchanged: 1');
  await expect(dialog.getByRole('button', { name: 'Apply import' })).toBeFocused();
  // Nothing is sent for a preview.
  expect(calls).toEqual([]);

  await dialog.getByRole('button', { name: 'Apply import' }).click();
  await expect(status(root)).toHaveText('Import applied.');
  await expect(dialog).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1, 'PATCH /api/v4/sources': 1 });
  expect(calls.map((c) => [c.method, c.path])).toEqual([['POST', '/api/v4/sources'], ['PATCH', '/api/v4/sources']]);
  expect(JSON.parse(calls[0].body!).map((x: any) => x.external_id)).toEqual(['imp-1', 'imp-2']);
  const patch = JSON.parse(calls[1].body!);
  expect(patch).toHaveLength(1);
  expect(patch[0]).toMatchObject({ name: 'Website chat (new widget)' });

  await expect(rowOf(root, 'imp-1').getByRole('textbox', { name: 'Name' })).toHaveValue('Imported one');
  await expect(rowOf(root, DEMO.chat.ext).getByRole('textbox', { name: 'Name' })).toHaveValue('Website chat (new widget)');
  await expect(root.locator('[data-quota] strong')).toHaveText('8 / 50');
  const server = await serverSources(request, env);
  expect(server.find((s) => s.external_id === DEMO.chat.ext).name).toBe('Website chat (new widget)');
  expect(server.find((s) => s.external_id === 'imp-1').origin_code).toBe('imp.one');
});

test("a file from another account: its pipelines are matched by name, picked, or skipped", async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  const file = [
    { name: 'Moved web', external_id: 'moved-web', pipeline_id: 999999, pipeline_name: 'Sales' },
    { name: 'Moved fair', external_id: 'moved-fair', pipeline_id: 888888 },
    { name: 'Moved desk', external_id: 'moved-desk', pipeline_id: 777777, pipeline_name: 'Nowhere' },
  ];
  await root.locator('input[type="file"][data-a="import"]').setInputFiles({
    name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)),
  });
  const dialog = page.getByRole('dialog', { name: 'Import preview' });
  const web = dialog.getByLabel('Pipeline 999999 “Sales” in the file →');
  await expect(web).toHaveValue(String(PIPELINES.sales.id));
  await expect(web.locator('option:checked')).toHaveText(`Sales (${PIPELINES.sales.id})`);
  await expect(dialog.locator('[data-pipe-map="999999"]')).toContainText('Matched by name.');
  await expect(dialog.locator('[data-pipe-map="888888"]')).toContainText('Pipeline 888888 in the file is not in this account');
  await expect(dialog.getByLabel('Pipeline 888888 in the file →')).toHaveValue('0');
  await expect(dialog.locator('[data-skipped]')).toContainText('moved-fair, moved-desk');
  await expect(dialog).toContainText('Will be created: 1');

  await dialog.getByLabel('Pipeline 888888 in the file →').selectOption(String(PIPELINES.partners.id));
  await expect(dialog).toContainText('Will be created: 2');
  await expect(dialog.locator('[data-skipped]')).toHaveText(/moved-desk$/);
  await dialog.getByRole('button', { name: 'Apply import' }).click();
  await expect(status(root)).toHaveText('Import applied.');
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
  const server = await serverSources(request, env);
  expect(server.find((s) => s.external_id === 'moved-web').pipeline_id).toBe(PIPELINES.sales.id);
  expect(server.find((s) => s.external_id === 'moved-fair').pipeline_id).toBe(PIPELINES.partners.id);
  expect(server.find((s) => s.external_id === 'moved-desk')).toBeUndefined();
});

test('a malformed import file is refused with a message and no request', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  const input = root.locator('input[type="file"][data-a="import"]');
  const error = root.locator('[data-import-error]');

  await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"sources": [') });
  await expect(error).toHaveText('The file is not valid JSON.');

  const dup = [{ name: 'A', external_id: 'twice' }, { name: 'B', external_id: 'TWICE' }];
  await input.setInputFiles({ name: 'dup.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(dup)) });
  await expect(error).toContainText('The file has the same external ID twice:');

  await input.setInputFiles({ name: 'shape.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await expect(error).toHaveText('The file must hold a list of sources with name and external_id.');

  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({});
});
