// Creating, editing, defaulting and deleting sources on the advanced page, checked by what the
// admin sees and by the requests the sandbox received (one request per action, only the
// changed fields).
import { expect, test } from '@playwright/test';
import {
  api, banner, DEMO, draftRows, openAdvanced, PIPELINES, recordApi, rowOf, sent, serverSources, status,
  useWidgetSandbox, zeroCounters,
} from './fixtures/widget';

const env = useWidgetSandbox();

/** The server id of a demo source, by external_id. */
async function idOf(request: import('@playwright/test').APIRequestContext, ext: string): Promise<number> {
  const found = (await serverSources(request, env)).find((s) => s.external_id === ext);
  expect(found, `the server has ${ext}`).toBeTruthy();
  return found.id;
}

test('creating one source: one POST with the typed fields, main pipeline preselected', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  await root.getByRole('button', { name: 'Add source' }).click();
  const draft = draftRows(root);
  await expect(draft).toHaveCount(1);
  await expect(draft.getByRole('combobox', { name: 'Pipeline' }).locator('option:checked')).toHaveText(PIPELINES.sales.name);
  await draft.getByRole('textbox', { name: 'Name' }).fill('Facebook ads');
  await draft.getByRole('textbox', { name: 'External ID' }).fill('fb-ads');
  await draft.getByRole('textbox', { name: 'Origin code' }).fill('fb.campaign');
  await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();

  await expect(status(root)).toHaveText('1 source created.');
  await expect(draftRows(root)).toHaveCount(0);
  const row = rowOf(root, 'fb-ads');
  await expect(row.getByRole('textbox', { name: 'Name' })).toHaveValue('Facebook ads');
  await expect(root.locator('[data-quota] strong')).toHaveText('7 / 50');

  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
  expect(calls).toHaveLength(1);
  const body = JSON.parse(calls[0].body!);
  expect(body).toHaveLength(1);
  expect(body[0]).toMatchObject({ name: 'Facebook ads', external_id: 'fb-ads', pipeline_id: PIPELINES.sales.id, origin_code: 'fb.campaign' });
  const created = (await serverSources(request, env)).find((s) => s.external_id === 'fb-ads');
  expect(created).toMatchObject({ name: 'Facebook ads', pipeline_id: PIPELINES.sales.id, origin_code: 'fb.campaign' });
});

test('creating several sources at once sends them in one POST', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  const wanted = [
    { name: 'Newsletter', ext: 'newsletter', pipeline: PIPELINES.sales },
    { name: 'Referral program', ext: 'referral', pipeline: PIPELINES.partners },
    { name: 'Fair 2025', ext: 'fair-2025', pipeline: PIPELINES.tradeShow },
  ];
  for (const [i, w] of wanted.entries()) {
    await root.getByRole('button', { name: 'Add source' }).click();
    const draft = draftRows(root).nth(i);
    await draft.getByRole('textbox', { name: 'Name' }).fill(w.name);
    await draft.getByRole('textbox', { name: 'External ID' }).fill(w.ext);
    await draft.getByRole('combobox', { name: 'Pipeline' }).selectOption(String(w.pipeline.id));
  }
  await root.getByRole('button', { name: 'Create new sources (3)' }).click();

  await expect(status(root)).toHaveText('3 sources created.');
  await expect(draftRows(root)).toHaveCount(0);
  for (const w of wanted) await expect(rowOf(root, w.ext).getByRole('textbox', { name: 'Name' })).toHaveValue(w.name);
  await expect(root.locator('[data-quota] strong')).toHaveText('9 / 50');

  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
  const body = JSON.parse(calls[0].body!);
  expect(body.map((b: any) => [b.name, b.external_id, b.pipeline_id])).toEqual(wanted.map((w) => [w.name, w.ext, w.pipeline.id]));
});

test('validation as the user types marks the field and stops the create before any request', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);

  await root.getByRole('button', { name: 'Add source' }).click();
  const draft = draftRows(root);
  const name = draft.getByRole('textbox', { name: 'Name' });
  const ext = draft.getByRole('textbox', { name: 'External ID' });
  const origin = draft.getByRole('textbox', { name: 'Origin code' });

  // Typed then erased: required, shown at once under the name.
  await name.fill('x');
  await name.fill('');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(draft.locator('td').nth(1).getByRole('alert')).toHaveText('Required.');

  // An external_id another source has, in other letter case.
  await ext.fill('SITE-CHAT');
  await expect(ext).toHaveAttribute('aria-invalid', 'true');
  await expect(draft.locator('td').nth(2).getByRole('alert')).toHaveText('Another source already uses this external ID.');

  // An origin code of digits only.
  await origin.fill('12345');
  await expect(origin).toHaveAttribute('aria-invalid', 'true');
  await expect(draft.locator('td').nth(5).getByRole('alert')).toHaveText('Must not be only digits.');

  await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
  await expect(status(root)).toHaveText('Fix the marked fields first.');
  await expect(page.locator(':focus')).toHaveAttribute('aria-invalid', 'true');
  expect(await sent(request, env.sb)).toEqual({});

  // Fixing each field clears its message.
  await name.fill('Landing page');
  await expect(name).toHaveAttribute('aria-invalid', 'false');
  await ext.fill('landing');
  await origin.fill('lp.main');
  await expect(draft.getByRole('alert')).toHaveCount(0);
  await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
  await expect(status(root)).toHaveText('1 source created.');
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
});

test("a server validation error lands on the draft's external ID field", async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  // Another client creates the id after the widget loaded its list.
  const made = await api(request, env, 'POST', '/api/v4/sources', [{ name: 'Behind the back', external_id: 'promo-x' }]);
  expect(made.status).toBe(200);
  await zeroCounters(request, env.sb);

  await root.getByRole('button', { name: 'Add source' }).click();
  const draft = draftRows(root);
  await draft.getByRole('textbox', { name: 'Name' }).fill('Promo');
  const ext = draft.getByRole('textbox', { name: 'External ID' });
  await ext.fill('PROMO-X');
  await expect(ext).toHaveAttribute('aria-invalid', 'false');
  await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();

  await expect(banner(root)).toContainText('The server rejected some fields; see the marked rows.');
  await expect(ext).toHaveAttribute('aria-invalid', 'true');
  await expect(draft.locator('td').nth(2).getByRole('alert')).toContainText('Rejected by the server.');
  await expect(draft.getByRole('textbox', { name: 'Name' })).toHaveAttribute('aria-invalid', 'false');
  // What was typed is kept.
  await expect(draft.getByRole('textbox', { name: 'Name' })).toHaveValue('Promo');
  await expect(ext).toHaveValue('PROMO-X');
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
});

test('in a batch create, the server error lands on the row it names by request_id', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  expect((await api(request, env, 'POST', '/api/v4/sources', [{ name: 'Taken', external_id: 'taken-id' }])).status).toBe(200);
  await zeroCounters(request, env.sb);

  const rows = [{ name: 'Fine one', ext: 'fine-one' }, { name: 'Clashing one', ext: 'Taken-ID' }, { name: 'Fine two', ext: 'fine-two' }];
  for (const [i, r] of rows.entries()) {
    await root.getByRole('button', { name: 'Add source' }).click();
    await draftRows(root).nth(i).getByRole('textbox', { name: 'Name' }).fill(r.name);
    await draftRows(root).nth(i).getByRole('textbox', { name: 'External ID' }).fill(r.ext);
  }
  await root.getByRole('button', { name: 'Create new sources (3)' }).click();

  await expect(banner(root)).toContainText('The server rejected some fields; see the marked rows.');
  const drafts = draftRows(root);
  await expect(drafts).toHaveCount(3);
  await expect(drafts.nth(1).getByRole('textbox', { name: 'External ID' })).toHaveAttribute('aria-invalid', 'true');
  await expect(drafts.nth(1).locator('td').nth(2).getByRole('alert')).toContainText('Rejected by the server.');
  for (const i of [0, 2]) {
    await expect(drafts.nth(i).getByRole('alert')).toHaveCount(0);
    await expect(drafts.nth(i).getByRole('textbox', { name: 'External ID' })).toHaveAttribute('aria-invalid', 'false');
  }
  // All or nothing: none was created, and everything typed is still there.
  expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
  for (const [i, r] of rows.entries()) await expect(drafts.nth(i).getByRole('textbox', { name: 'Name' })).toHaveValue(r.name);
  expect((await serverSources(request, env)).map((s) => s.external_id)).not.toContain('fine-one');
});

test('an inline edit saves one PATCH of the source carrying only the changed field', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const id = await idOf(request, DEMO.calls.ext);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  const row = rowOf(root, DEMO.calls.ext);
  const name = row.getByRole('textbox', { name: 'Name' });
  await name.fill('Phone calls (main line)');
  await expect(row).toHaveClass(/ksm-dirty/);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();

  await expect(status(root)).toHaveText('Saved.');
  await expect(row).not.toHaveClass(/ksm-dirty/);
  expect(calls).toEqual([{ method: 'PATCH', path: `/api/v4/sources/${id}`, body: expect.any(String) }]);
  expect(JSON.parse(calls[0].body!)).toEqual({ name: 'Phone calls (main line)' });
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
  expect((await serverSources(request, env)).find((s) => s.id === id).name).toBe('Phone calls (main line)');

  // Enter in a field saves too, and a pipeline change goes alone.
  await row.getByRole('combobox', { name: 'Pipeline' }).selectOption(String(PIPELINES.sales.id));
  await row.getByRole('textbox', { name: 'Origin code' }).press('Enter');
  await expect.poll(() => calls.length).toBe(2);
  expect(JSON.parse(calls[1].body!)).toEqual({ pipeline_id: PIPELINES.sales.id });
  await expect(row).not.toHaveClass(/ksm-dirty/);
});

test('several edits saved together are one batch PATCH', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const ids = { ig: await idOf(request, DEMO.ig.ext), partners: await idOf(request, DEMO.partners.ext) };
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  await rowOf(root, DEMO.ig.ext).getByRole('textbox', { name: 'Name' }).fill('Instagram DMs');
  await rowOf(root, DEMO.partners.ext).getByRole('textbox', { name: 'Origin code' }).fill('partners.web');
  await root.getByRole('button', { name: 'Save all changes (2)' }).click();

  await expect(status(root)).toHaveText('2 sources saved.');
  await expect(root.getByRole('button', { name: /Save all changes/ })).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources': 1 });
  expect(calls[0].path).toBe('/api/v4/sources');
  const body = JSON.parse(calls[0].body!);
  expect(body).toHaveLength(2);
  expect(body).toContainEqual(expect.objectContaining({ id: ids.ig, name: 'Instagram DMs' }));
  expect(body).toContainEqual(expect.objectContaining({ id: ids.partners, origin_code: 'partners.web' }));
  for (const item of body) expect(Object.keys(item).sort()).toHaveLength(3); // id, request_id, one field
  const server = await serverSources(request, env);
  expect(server.find((s) => s.id === ids.ig).name).toBe('Instagram DMs');
  expect(server.find((s) => s.id === ids.partners).origin_code).toBe('partners.web');
});

test('making a source the default moves the mark; clearing it leaves none', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const id = await idOf(request, DEMO.calls.ext);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);
  const mark = (ext: string) => rowOf(root, ext).getByRole('checkbox', { name: 'Default source' });

  await expect(mark(DEMO.calls.ext)).toHaveAttribute('title', 'Make default');
  await mark(DEMO.calls.ext).click();
  await expect(status(root)).toHaveText('Saved.');
  await expect(mark(DEMO.calls.ext)).toBeChecked();
  await expect(mark(DEMO.chat.ext)).not.toBeChecked();
  expect(calls.map((c) => [c.method, c.path, JSON.parse(c.body!)])).toEqual([['PATCH', `/api/v4/sources/${id}`, { default: true }]]);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
  let server = await serverSources(request, env);
  expect(server.filter((s) => s.default).map((s) => s.id)).toEqual([id]);
  await zeroCounters(request, env.sb);

  await expect(mark(DEMO.calls.ext)).toHaveAttribute('title', 'Clear default');
  await mark(DEMO.calls.ext).click();
  await expect.poll(() => calls.length).toBe(2);
  expect(JSON.parse(calls[1].body!)).toEqual({ default: false });
  await expect(mark(DEMO.calls.ext)).not.toBeChecked();
  await expect(root.getByRole('checkbox', { name: 'Default source', checked: true })).toHaveCount(0);
  // The mark moves at once; the request may still be on its way (through the relay, a hop more).
  await expect.poll(async () => (await sent(request, env.sb))['PATCH /api/v4/sources/{id}']).toBe(1);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
  server = await serverSources(request, env);
  expect(server.filter((s) => s.default)).toEqual([]);
});

test('a default change shows at once both ways while the PATCH is out, and a failure puts it back with a message', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const mark = (ext: string) => rowOf(root, ext).getByRole('checkbox', { name: 'Default source' });
  await expect(mark(DEMO.chat.ext)).toBeChecked();
  const slow = () => request.post(`${env.sb.url}/__sandbox/delay`, { data: { ms: 1500, count: 1, method: 'PATCH' } });

  // Clearing: unticked as soon as it is clicked, and it stays so while the server is slow.
  expect((await slow()).ok()).toBe(true);
  await mark(DEMO.chat.ext).click();
  expect(await mark(DEMO.chat.ext).isChecked()).toBe(false);
  await expect(status(root)).toHaveText('Saving…');
  expect(await mark(DEMO.chat.ext).isChecked()).toBe(false);
  await expect(status(root)).toHaveText('Saved.');
  await expect(root.getByRole('checkbox', { name: 'Default source', checked: true })).toHaveCount(0);

  // Setting: ticked at once as well.
  expect((await slow()).ok()).toBe(true);
  await mark(DEMO.calls.ext).click();
  expect(await mark(DEMO.calls.ext).isChecked()).toBe(true);
  await expect(status(root)).toHaveText('Saving…');
  expect(await mark(DEMO.calls.ext).isChecked()).toBe(true);
  await expect(status(root)).toHaveText('Saved.');
  await expect(mark(DEMO.calls.ext)).toBeChecked();

  // A refused change goes back to what the server has and says why.
  const id = await idOf(request, DEMO.calls.ext);
  expect((await request.post(`${env.sb.url}/__sandbox/faults`, {
    data: { method: 'PATCH', path: `/api/v4/sources/${id}`, status: 500, count: 3, json: { title: 'Internal Server Error', status: 500 } },
  })).ok()).toBe(true);
  await mark(DEMO.calls.ext).click();
  await expect(banner(root)).toBeVisible();
  await expect(mark(DEMO.calls.ext)).toBeChecked();
  expect((await serverSources(request, env)).filter((s) => s.default).map((s) => s.id)).toEqual([id]);
});

test('delete asks with the name; undo sends nothing; a confirmed delete is sent once after the window', async ({ page, request }) => {
  // The page's clock is driven by the test so the undo window passes without waiting for it.
  await page.clock.install();
  const root = await openAdvanced(page, env);
  const id = await idOf(request, DEMO.calls.ext);
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  const del = rowOf(root, DEMO.calls.ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ });
  await del.click();
  // One source: said in the singular.
  const dialog = page.getByRole('dialog', { name: 'Delete this source?', exact: true });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveText([`${DEMO.calls.name} · ${DEMO.calls.ext}`]);
  await expect(dialog.getByRole('button', { name: /^Delete(?! selected)( |$)/ })).toBeFocused();
  await dialog.getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();

  const toast = root.locator('.ksm-toast');
  await expect(toast).toContainText('Deleting in 5 seconds');
  await expect(toast).toContainText(DEMO.calls.name);
  await expect(toast.getByRole('button', { name: 'Undo' })).toBeFocused();
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(toast).toHaveCount(0);
  // Well past the undo window: still there, and nothing was sent.
  await page.clock.runFor(10_000);
  await expect(rowOf(root, DEMO.calls.ext)).toHaveCount(1);
  expect(await sent(request, env.sb)).toEqual({});

  // Confirmed again and left alone: the countdown runs down, nothing is sent before it ends.
  await del.click();
  await dialog.getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  const left = root.locator('[data-undo-left]');
  await expect(left).toHaveText('5');
  await page.clock.runFor(1_000);
  await expect(left).toHaveText('4');
  await page.clock.runFor(3_000);
  await expect(left).toHaveText('1');
  expect(await sent(request, env.sb)).toEqual({});
  await page.clock.runFor(1_000);

  await expect(status(root)).toHaveText('1 source deleted.');
  await expect(rowOf(root, DEMO.calls.ext)).toHaveCount(0);
  await expect(root.locator('[data-quota] strong')).toHaveText('5 / 50');
  expect(calls.map((c) => [c.method, c.path])).toEqual([['DELETE', `/api/v4/sources/${id}`]]);
  expect(await sent(request, env.sb)).toEqual({ 'DELETE /api/v4/sources/{id}': 1 });
  expect((await serverSources(request, env)).map((s) => s.id)).not.toContain(id);
});

test('bulk delete of selected sources is one batch DELETE', async ({ page, request }) => {
  await page.clock.install();
  const root = await openAdvanced(page, env);
  const ids = [await idOf(request, DEMO.ig.ext), await idOf(request, DEMO.expo.ext)];
  await zeroCounters(request, env.sb);
  const calls = recordApi(page);

  await root.getByRole('checkbox', { name: `Select ${DEMO.ig.name}` }).check();
  await root.getByRole('checkbox', { name: `Select ${DEMO.expo.name}` }).check();
  await root.getByRole('button', { name: 'Delete selected (2)' }).click();
  const dialog = page.getByRole('dialog', { name: /^Delete (this source|these \d+ sources)\?$/ });
  await expect(dialog.getByRole('listitem')).toHaveText([
    `${DEMO.ig.name} · ${DEMO.ig.ext}`,
    `${DEMO.expo.name} · ${DEMO.expo.ext}`,
  ]);
  await dialog.getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  await expect(root.locator('.ksm-toast')).toContainText(`${DEMO.ig.name}, ${DEMO.expo.name}`);
  await page.clock.runFor(4_000);
  expect(await sent(request, env.sb)).toEqual({});
  await page.clock.runFor(1_000);

  await expect(status(root)).toHaveText('2 sources deleted.');
  await expect(rowOf(root, DEMO.ig.ext)).toHaveCount(0);
  await expect(rowOf(root, DEMO.expo.ext)).toHaveCount(0);
  await expect(root.locator('[data-quota] strong')).toHaveText('4 / 50');
  expect(await sent(request, env.sb)).toEqual({ 'DELETE /api/v4/sources': 1 });
  expect(calls).toHaveLength(1);
  expect(calls[0].path).toBe('/api/v4/sources');
  expect(JSON.parse(calls[0].body!)).toEqual(ids.map((id) => ({ id })));
  const left = (await serverSources(request, env)).map((s) => s.id);
  for (const id of ids) expect(left).not.toContain(id);
});

test('a save in flight disables its control and a second Enter sends nothing more', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  expect((await request.post(`${env.sb.url}/__sandbox/delay`, { data: { ms: 1500, count: 1, method: 'PATCH' } })).ok()).toBe(true);
  await zeroCounters(request, env.sb);

  const row = rowOf(root, DEMO.ig.ext);
  const name = row.getByRole('textbox', { name: 'Name' });
  await name.fill('Instagram (slow server)');
  await name.press('Enter');
  const save = row.getByRole('button', { name: /^Save(?! all changes)( |$)/ });
  await expect(save).toBeDisabled();
  await expect(save).toHaveAttribute('aria-busy', 'true');
  await expect(status(root)).toHaveText('Saving…');
  await name.press('Enter');
  await expect(root.getByRole('button', { name: /Save all changes/ })).toBeDisabled();

  await expect(status(root)).toHaveText('Saved.');
  await expect(row).not.toHaveClass(/ksm-dirty/);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1 });
});

test('"Undo changes" restores a row and removing a draft sends nothing', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const origin = (await serverSources(request, env)).find((s) => s.external_id === DEMO.ig.ext).origin_code;
  expect(origin).toBeTruthy();
  await zeroCounters(request, env.sb);

  const row = rowOf(root, DEMO.ig.ext);
  const name = row.getByRole('textbox', { name: 'Name' });
  await name.fill('Not this name');
  await row.getByRole('textbox', { name: 'Origin code' }).fill('not.this');
  await expect(root.getByRole('button', { name: 'Save all changes (1)' })).toBeVisible();
  await row.getByRole('button', { name: 'Undo changes' }).click();
  await expect(name).toHaveValue(DEMO.ig.name);
  await expect(row.getByRole('textbox', { name: 'Origin code' })).toHaveValue(origin);
  await expect(row).not.toHaveClass(/ksm-dirty/);
  await expect(root.getByRole('button', { name: /Save all changes/ })).toHaveCount(0);

  await root.getByRole('button', { name: 'Add source' }).click();
  await draftRows(root).getByRole('textbox', { name: 'Name' }).fill('Never mind');
  await draftRows(root).getByRole('button', { name: 'Remove' }).click();
  await expect(draftRows(root)).toHaveCount(0);
  expect(await sent(request, env.sb)).toEqual({});
});

test('Refresh shows sources added elsewhere and keeps unsaved edits', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const row = rowOf(root, DEMO.calls.ext);
  await row.getByRole('textbox', { name: 'Name' }).fill('Phone calls (typed, not saved)');
  expect((await api(request, env, 'POST', '/api/v4/sources', [{ name: 'Added elsewhere', external_id: 'elsewhere' }])).status).toBe(200);
  await zeroCounters(request, env.sb);

  await root.getByRole('button', { name: 'Refresh' }).click();
  await expect(rowOf(root, 'elsewhere').getByRole('textbox', { name: 'Name' })).toHaveValue('Added elsewhere');
  await expect(root.locator('[data-quota] strong')).toHaveText('7 / 50');
  await expect(row.getByRole('textbox', { name: 'Name' })).toHaveValue('Phone calls (typed, not saved)');
  await expect(row).toHaveClass(/ksm-dirty/);
  expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 1 });
});

test('saving one row changes the DOM of that row only, and the toolbar buttons keep their actions', async ({ page }) => {
  const root = await openAdvanced(page, env);
  const refresh = await root.locator('[data-a="refresh"]').elementHandle();
  const exportBtn = await root.locator('[data-a="export"]').elementHandle();
  // Rows whose DOM changes, by data-k (`-` for changes outside the rows).
  await root.evaluate((el) => {
    const touched = new Set<string>();
    (window as any).__touched = touched;
    (window as any).__obs = new MutationObserver((list) => {
      for (const m of list) {
        const at = m.target instanceof Element ? m.target : m.target.parentElement;
        touched.add(at?.closest('tr[data-k]')?.getAttribute('data-k') ?? '-');
      }
    });
    (window as any).__obs.observe(el, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const touched = () => page.evaluate(() => [...(window as any).__touched].sort());

  const row = rowOf(root, DEMO.ig.ext);
  const key = await row.getAttribute('data-k');
  await row.getByRole('textbox', { name: 'Name' }).fill('Instagram, renamed');
  await expect(root.getByRole('button', { name: /Save all changes/ })).toBeVisible();
  expect(await refresh!.getAttribute('data-a')).toBe('refresh');
  expect(await exportBtn!.getAttribute('data-a')).toBe('export');
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(root)).toHaveText('Saved.');
  expect((await touched()).filter((k) => k !== '-')).toEqual([key]);

  // A refresh that brings nothing new changes nothing.
  await page.evaluate(() => (window as any).__touched.clear());
  const answered = page.waitForResponse((r) => r.url().includes('/api/v4/sources') && r.request().method() === 'GET');
  await root.locator('[data-a="refresh"]').click();
  await answered;
  await page.waitForTimeout(200);
  expect(await touched()).toEqual([]);
});

test('leaving the page with an unsaved edit asks first, and without one it does not', async ({ page }) => {
  const root = await openAdvanced(page, env);
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.type());
    void d.dismiss();
  });
  const name = rowOf(root, DEMO.chat.ext).getByRole('textbox', { name: 'Name' });
  // A click first: browsers ask on leaving only a page the user has interacted with.
  await name.click();
  await page.reload();
  await expect(page.locator('#work-area-sources_manager .ksm-app tbody tr').first()).toBeVisible();
  expect(asked, 'nothing typed: the page reloads without a question').toEqual([]);

  const again = await openAdvanced(page, env);
  const field = rowOf(again, DEMO.chat.ext).getByRole('textbox', { name: 'Name' });
  await field.click();
  await field.fill('Website chat (edited)');
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked).toEqual(['beforeunload']);
  expect(page.isClosed(), 'dismissing the question keeps the page').toBe(false);
  await expect(field).toHaveValue('Website chat (edited)');
});
