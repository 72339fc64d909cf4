// Two browser pages on the same integration (two contexts, one sandbox token): what one page
// changes shows up correctly in the other on its next action, a source that vanished is
// explained where the admin acts on it, and nothing typed in the other page is lost.
//
// Concurrent edits: Kommo's Sources API has no versions or ETags, so the widget cannot tell
// that its copy is stale before it saves. It sends only the fields the admin changed, and
// shows what the server answers: a change in page A to a field page B did not touch survives
// B's save and appears in B at once; when both change the same field, the later PATCH wins and
// both pages show that value (B at once, A on its next load or refresh). A source deleted in
// A is never silently recreated or hidden by B: B's save (alone or in "Save all changes") or
// default on it is refused on that row ("This source no longer exists on the server.") with
// B's edit kept, undoing that edit drops the row, B's delete says it was already deleted
// elsewhere, and a bulk delete naming it says some sources no longer exist. After each such
// refusal only the sources concerned are read again (`GET /api/v4/sources/{id}`), and a row
// whose source was changed elsewhere says what changed, field by field.
import { APIRequestContext, Browser, expect, Locator, Page, test } from '@playwright/test';
import { expectNoCrash, MSG } from './fixtures/proof';
import {
  api, banner, DEMO, draftRows, manager, openAdvanced, recordApi, rowOf, sent, serverSources, status, useWidgetSandbox,
  WidgetEnv, zeroCounters,
} from './fixtures/widget';

const env = useWidgetSandbox();

/** A second page in its own browser context, its console and URLs checked like the first's. */
async function secondPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => env.seen.console.push(m.text()));
  page.on('pageerror', (e) => env.seen.console.push(String(e)));
  page.on('request', (r) => env.seen.urls.push(r.url()));
  return page;
}

/** Opens the advanced page with its clock under the test's control (for the undo window). */
async function open(page: Page): Promise<Locator> {
  await page.clock.install();
  return openAdvanced(page, env);
}

// The name field's label starts with "Name"; another field's may hold a source name that says "name".
const name = (row: Locator) => row.getByRole('textbox', { name: /^Name\b/ });
const isDefault = (row: Locator) => row.getByRole('checkbox', { name: 'Default source' });

/** Deletes the row of `ext` through the page's UI and lets the undo window pass. */
async function deleteRow(page: Page, root: Locator, ext: string): Promise<void> {
  await rowOf(root, ext).getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  await confirmDelete(page);
}

async function confirmDelete(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: /^Delete (this source|these \d+ sources)\?$/ });
  await dialog.getByRole('button', { name: /^Delete(?! selected)( |$)/ }).click();
  await expect(page.locator('.ksm-toast')).toBeVisible();
  await page.clock.runFor(5_500);
}

/** Renames the row of `ext` in `root` and saves it. */
async function rename(root: Locator, ext: string, to: string): Promise<void> {
  const row = rowOf(root, ext);
  await name(row).fill(to);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(root)).toHaveText('Saved.');
}

async function server(request: APIRequestContext, e: WidgetEnv, ext: string): Promise<any> {
  return (await serverSources(request, e)).find((s) => s.external_id === ext);
}

/** B's drafts that must survive whatever happens to the other source. */
async function typeDrafts(b: Locator): Promise<void> {
  await name(rowOf(b, DEMO.partners.ext)).fill('Partners (unsaved in B)');
  await b.getByRole('button', { name: 'Add source' }).click();
  await draftRows(b).getByRole('textbox', { name: 'Name' }).fill('Half typed in B');
}

async function expectDraftsKept(b: Locator): Promise<void> {
  await expect(name(rowOf(b, DEMO.partners.ext))).toHaveValue('Partners (unsaved in B)');
  await expect(rowOf(b, DEMO.partners.ext)).toHaveClass(/ksm-dirty/);
  await expect(draftRows(b)).toHaveCount(1);
  await expect(draftRows(b).getByRole('textbox', { name: 'Name' })).toHaveValue('Half typed in B');
}

test('a source deleted in page A: page B\'s save, default and delete on it are explained, B\'s drafts kept', async ({ page, browser, request }) => {
  const a = await open(page);
  const pageB = await secondPage(browser);
  const b = await open(pageB);
  await typeDrafts(b);
  await name(rowOf(b, DEMO.calls.ext)).fill('Calls (edited in B)');

  await deleteRow(page, a, DEMO.calls.ext);
  await expect(status(a)).toHaveText('1 source deleted.');
  expect(await server(request, env, DEMO.calls.ext)).toBeUndefined();

  // B saves its edit: 404, said on that row, the edit kept to copy elsewhere.
  await zeroCounters(request, env.sb);
  const callsB = recordApi(pageB);
  const row = rowOf(b, DEMO.calls.ext);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(row.getByRole('alert')).toHaveText(MSG.gone);
  await expect(name(row)).toHaveValue('Calls (edited in B)');
  await expectDraftsKept(b);
  // The refusal is checked by reading that one source again, not the whole list.
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 1, 'GET /api/v4/sources/{id}': 1 });

  // Default on it: refused the same way; the mark stays where the server has it.
  await isDefault(row).click();
  await expect(row.getByRole('alert')).toHaveText(MSG.gone);
  await expect(isDefault(row)).not.toBeChecked();
  await expect(isDefault(rowOf(b, DEMO.chat.ext))).toBeChecked();
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources/{id}': 2, 'GET /api/v4/sources/{id}': 2 });

  // Delete it: the server says 404; the goal is reached, and B is told it was not its doing.
  await deleteRow(pageB, b, DEMO.calls.ext);
  await expect(status(b)).toHaveText(MSG.deletedElsewhere);
  await expect(rowOf(b, DEMO.calls.ext)).toHaveCount(0);
  await expect(banner(b)).toHaveCount(0);
  await expectDraftsKept(b);
  expect(await sent(request, env.sb)).toEqual({
    'PATCH /api/v4/sources/{id}': 2, 'GET /api/v4/sources/{id}': 2, 'DELETE /api/v4/sources/{id}': 1,
  });
  expect(callsB.map((c) => c.method)).toEqual(['PATCH', 'GET', 'PATCH', 'GET', 'DELETE']);

  // Nothing of B's drafts reached the server, nothing was recreated.
  const left = await serverSources(request, env);
  expect(left.map((s) => s.external_id)).not.toContain(DEMO.calls.ext);
  expect(left.find((s) => s.external_id === DEMO.partners.ext).name).toBe(DEMO.partners.name);
  await expectNoCrash(page, env);
  await expectNoCrash(pageB, env);
  await pageB.context().close();
});

test('a save of all changes in page B naming a source deleted in page A marks that row; undoing it lets the rest save', async ({ page, browser, request }) => {
  const a = await open(page);
  const pageB = await secondPage(browser);
  const b = await open(pageB);
  await typeDrafts(b);
  await name(rowOf(b, DEMO.calls.ext)).fill('Calls (edited in B)');

  await deleteRow(page, a, DEMO.calls.ext);
  await expect(status(a)).toHaveText('1 source deleted.');

  await zeroCounters(request, env.sb);
  await b.getByRole('button', { name: /^Save all changes/ }).click();
  // The batch is all-or-nothing: refused for the gone source, said on its row.
  const gone = rowOf(b, DEMO.calls.ext);
  await expect(gone.getByRole('alert')).toHaveText(MSG.gone);
  await expect(banner(b)).toContainText(MSG.rejected);
  await expect(name(gone)).toHaveValue('Calls (edited in B)');
  await expectDraftsKept(b);
  expect(await sent(request, env.sb)).toEqual({ 'PATCH /api/v4/sources': 1, 'GET /api/v4/sources/{id}': 1 });

  // Undoing the gone row's edit drops the row: there is no server copy to go back to.
  await gone.getByRole('button', { name: 'Undo changes' }).click();
  await expect(rowOf(b, DEMO.calls.ext)).toHaveCount(0);
  await b.getByRole('button', { name: /^Save all changes/ }).click();
  await expect(status(b)).toHaveText('Saved.');
  expect((await server(request, env, DEMO.partners.ext)).name).toBe('Partners (unsaved in B)');
  await expect(draftRows(b).getByRole('textbox', { name: 'Name' })).toHaveValue('Half typed in B');
  await expectNoCrash(pageB, env);
  await pageB.context().close();
});

test('every source deleted in page A: page B\'s refresh gets 204 and keeps its edited row (explained) and its draft', async ({ page, browser, request }) => {
  const a = await open(page);
  const pageB = await secondPage(browser);
  const b = await open(pageB);
  await typeDrafts(b);

  await a.getByRole('checkbox', { name: 'Select all' }).check();
  await a.getByRole('button', { name: 'Delete selected (6)' }).click();
  await confirmDelete(page);
  await expect(status(a)).toHaveText('6 sources deleted.');
  expect(await serverSources(request, env)).toEqual([]);

  await zeroCounters(request, env.sb);
  const answers: number[] = [];
  pageB.on('response', (r) => { if (new URL(r.url()).pathname === '/api/v4/sources') answers.push(r.status()); });
  await b.getByRole('button', { name: 'Refresh' }).click();
  // The edited row stays with the reason; the untouched ones go; the draft is still there.
  await expect(rowOf(b, DEMO.chat.ext)).toHaveCount(0);
  await expect(b.locator('tbody tr[data-k^="s"]')).toHaveCount(1);
  await expect(rowOf(b, DEMO.partners.ext).getByRole('alert')).toHaveText(MSG.gone);
  await expectDraftsKept(b);
  expect(answers).toEqual([204]);
  expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 1 });

  // The half-typed source can still be finished and created.
  await draftRows(b).getByRole('textbox', { name: 'External ID' }).fill('half-typed');
  await draftRows(b).getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
  await expect(status(b)).toHaveText('1 source created.');
  expect((await serverSources(request, env)).map((s) => s.external_id)).toEqual(['half-typed']);
  await expectNoCrash(pageB, env);
  await pageB.context().close();
});

test('a bulk delete in page B naming a source deleted in page A says so, re-reads those sources, and the rest can be deleted', async ({ page, browser, request }) => {
  const a = await open(page);
  const pageB = await secondPage(browser);
  const b = await open(pageB);
  await b.getByRole('checkbox', { name: `Select ${DEMO.ig.name}` }).check();
  await b.getByRole('checkbox', { name: `Select ${DEMO.expo.name}` }).check();
  await typeDrafts(b);

  await deleteRow(page, a, DEMO.ig.ext);
  await expect(status(a)).toHaveText('1 source deleted.');
  // Another client renames the other one meanwhile.
  const expoId = (await server(request, env, DEMO.expo.ext)).id;
  expect((await api(request, env, 'PATCH', `/api/v4/sources/${expoId}`, { name: 'Expo 2027' })).status).toBe(200);

  await zeroCounters(request, env.sb);
  await b.getByRole('button', { name: 'Delete selected (2)' }).click();
  await confirmDelete(pageB);
  await expect(banner(b)).toContainText(MSG.goneSome);
  // Each source of the refused batch is read again: the gone row leaves, the other stays
  // ticked and says what changed; the message stays.
  await expect(rowOf(b, DEMO.ig.ext)).toHaveCount(0);
  const expo = rowOf(b, DEMO.expo.ext);
  await expect(expo.getByRole('alert')).toHaveText(`${MSG.changedElsewhere} Name: “${DEMO.expo.name}” → “Expo 2027”`);
  await expect(name(expo)).toHaveValue('Expo 2027');
  await expect(b.getByRole('checkbox', { name: 'Select Expo 2027' })).toBeChecked();
  await expect(banner(b)).toContainText(MSG.goneSome);
  await expectDraftsKept(b);
  expect(await sent(request, env.sb)).toEqual({ 'DELETE /api/v4/sources': 1, 'GET /api/v4/sources/{id}': 2 });
  expect(await server(request, env, DEMO.expo.ext)).toBeDefined();

  await b.getByRole('button', { name: 'Delete selected (1)' }).click();
  await confirmDelete(pageB);
  await expect(status(b)).toHaveText('1 source deleted.');
  await expect(banner(b)).toHaveCount(0);
  expect(await server(request, env, DEMO.expo.ext)).toBeUndefined();
  await expectDraftsKept(b);
  await expectNoCrash(pageB, env);
  await pageB.context().close();
});

test('a source renamed in page A: page B shows the new name after refresh or after its own save; the same field saved later wins', async ({ page, browser, request }) => {
  const a = await open(page);
  const pageB = await secondPage(browser);
  const b = await open(pageB);
  await typeDrafts(b);

  // Renamed in A; B sees it on its next load.
  await rename(a, DEMO.chat.ext, 'Chat (renamed in A)');
  await expect(name(rowOf(b, DEMO.chat.ext))).toHaveValue(DEMO.chat.name);
  await b.getByRole('button', { name: 'Refresh' }).click();
  await expect(name(rowOf(b, DEMO.chat.ext))).toHaveValue('Chat (renamed in A)');
  await expect(rowOf(b, DEMO.chat.ext)).not.toHaveClass(/ksm-dirty/);
  await expectDraftsKept(b);

  // Renamed in A; B, not refreshed, changes another field of it: only that field is sent,
  // A's name survives and B shows it as soon as its save is answered.
  await rename(a, DEMO.wa.ext, 'WhatsApp (renamed in A)');
  const waB = rowOf(b, DEMO.wa.ext);
  await expect(name(waB)).toHaveValue(DEMO.wa.name);
  await zeroCounters(request, env.sb);
  const callsB = recordApi(pageB);
  await waB.getByRole('textbox', { name: 'Origin code' }).fill('from.b');
  await waB.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(b)).toHaveText('Saved.');
  await expect(name(waB)).toHaveValue('WhatsApp (renamed in A)');
  await expect(waB).not.toHaveClass(/ksm-dirty/);
  expect(callsB).toHaveLength(1);
  expect(JSON.parse(callsB[0].body!)).toEqual({ origin_code: 'from.b' });
  expect(await server(request, env, DEMO.wa.ext)).toMatchObject({ name: 'WhatsApp (renamed in A)', origin_code: 'from.b' });

  // Both rename the same source: the later save wins, on the server and in both pages.
  await rename(a, DEMO.calls.ext, 'Calls (A)');
  await rename(b, DEMO.calls.ext, 'Calls (B, later)');
  expect((await server(request, env, DEMO.calls.ext)).name).toBe('Calls (B, later)');
  await expect(name(rowOf(b, DEMO.calls.ext))).toHaveValue('Calls (B, later)');
  await a.getByRole('button', { name: 'Refresh' }).click();
  await expect(name(rowOf(a, DEMO.calls.ext))).toHaveValue('Calls (B, later)');
  await expect(name(rowOf(a, DEMO.chat.ext))).toHaveValue('Chat (renamed in A)');
  await expectDraftsKept(b);
  await expectNoCrash(page, env);
  await expectNoCrash(pageB, env);
  await pageB.context().close();
});

test('a manager opened in page B after page A changed things shows the server as it is', async ({ page, browser, request }) => {
  const a = await open(page);
  await rename(a, DEMO.chat.ext, 'Chat (renamed in A)');
  await deleteRow(page, a, DEMO.calls.ext);
  await expect(status(a)).toHaveText('1 source deleted.');
  const pageB = await secondPage(browser);
  const b = manager(pageB);
  await open(pageB);
  await expect(b.locator('tbody tr[data-k^="s"]')).toHaveCount(5);
  await expect(name(rowOf(b, DEMO.chat.ext))).toHaveValue('Chat (renamed in A)');
  await expect(rowOf(b, DEMO.calls.ext)).toHaveCount(0);
  expect((await serverSources(request, env)).length).toBe(5);
  await pageB.context().close();
});
