// Kommo's docs do not say whether the widget's files are served with CORS headers. The widget
// starts either way: from the page's own origin, from a second origin that allows the page,
// and from one that sends no CORS headers, where the wasm's fetch is refused and its bytes
// come in a classic script instead.
import { expect, test } from '@playwright/test';
import { ADVANCED, DEMO, hostSwitch, openPage, manager, rowOf, useWidgetSandbox } from './fixtures/widget';

const env = useWidgetSandbox();

/** Opens the manager with the files on `files`, and says what the page asked for and got. */
async function open(page: import('@playwright/test').Page, request: import('@playwright/test').APIRequestContext, files: string) {
  await hostSwitch(request, env.sb, { files });
  const asked: string[] = [];
  const refused: string[] = [];
  page.on('request', (r) => asked.push(r.url()));
  page.on('requestfailed', (r) => refused.push(r.url()));
  expect(await openPage(page, env, ADVANCED)).toBe(true);
  const root = manager(page);
  await expect(rowOf(root, DEMO.chat.ext)).toBeVisible();
  const named = (part: string) => asked.filter((u) => new URL(u).pathname.endsWith(part));
  return { root, asked, refused, named };
}

test('from the page\'s own origin: the wasm is fetched, its bytes script is not needed', async ({ page, request }) => {
  const seen = await open(page, request, 'same');
  const origin = new URL(env.sb.url).origin;
  expect(seen.named('/widget_bg.wasm').map((u) => new URL(u).origin)).toEqual([origin]);
  expect(seen.named('/widget_bg.wasm.js')).toEqual([]);
  expect(seen.refused).toEqual([]);
});

test('from a second origin that allows the page: the wasm is fetched from there', async ({ page, request }) => {
  const seen = await open(page, request, 'cors');
  const twin = new URL(env.sb.url).origin.replace('127.0.0.1', 'localhost');
  for (const file of ['/script.js', '/widget.js', '/widget_bg.wasm']) {
    expect(seen.named(file).map((u) => new URL(u).origin), file).toEqual([twin]);
  }
  expect(seen.named('/widget_bg.wasm.js')).toEqual([]);
  expect(seen.refused).toEqual([]);
  // The API is still the account's own origin, the page's.
  expect(seen.asked.some((u) => new URL(u).origin === new URL(env.sb.url).origin && u.includes('/api/v4/sources'))).toBe(true);
});

test('from a second origin without CORS headers: the refused fetch falls back to the bytes in a classic script', async ({ page, request }) => {
  const seen = await open(page, request, 'nocors');
  const twin = new URL(env.sb.url).origin.replace('127.0.0.1', 'localhost');
  expect(seen.refused.filter((u) => new URL(u).pathname.endsWith('/widget_bg.wasm'))).toHaveLength(1);
  expect(seen.named('/widget_bg.wasm.js').map((u) => new URL(u).origin)).toEqual([twin]);
  await expect(seen.root.locator('tbody tr[data-k^="s"]')).toHaveCount(6);
  // It works, not only shows: a rename goes through.
  const row = rowOf(seen.root, DEMO.calls.ext);
  await row.getByRole('textbox', { name: 'Name' }).fill('Calls (no CORS)');
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(seen.root.locator('[data-status]')).toHaveText('Saved.');
});
