// Markup and script in every string the widget shows, from the server's data and from its
// error answers: nothing runs (a window canary and dialog events stay silent) and nothing
// becomes an element (the text is shown as typed). Also: the token stays out of exported
// files and of error messages.
import { APIRequestContext, expect, Locator, Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectNoSecretShown, MSG } from './fixtures/proof';
import {
  ADVANCED, api, banner, fault, manager, openAdvanced, openPage, rowOf, serverSources, useWidgetSandbox,
} from './fixtures/widget';

const env = useWidgetSandbox();

/** Payloads that would run or become markup if a string reached innerHTML, a URL or a template. */
const PAYLOADS = [
  '<img src=x onerror=window.__xss=1>',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  "'><svg/onload=window.__xss=1>",
  'javascript:window.__xss=1',
  'JaVaScRiPt:window.__xss=1//',
  '{{7*7}}',
  '${7*7}',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<a href="javascript:window.__xss=1">click</a>',
  '<details open ontoggle=window.__xss=1>',
  '<body onload=window.__xss=1>',
  '<input autofocus onfocus=window.__xss=1>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '</textarea><img src=x onerror=window.__xss=1>',
  '</title><script>window.__xss=1</script>',
  '<style>*{display:none}</style>',
  '&lt;img src=x onerror=window.__xss=1&gt;',
  '<img src=x:window.__xss=1 onerror=eval(src)>',
  '<img src=x onerror="alert(1)">',
  '<svg><script>alert(1)</script></svg>',
  '<object data="javascript:alert(1)">',
];

/** Short payloads for origin_code (at most 20 characters on the server). */
const SHORT = ['<b>x</b>', '<img src=x>', '"><svg/onload=x>', '{{7*7}}', '<script>', 'javascript:x', '${7*7}', "'><i>x"];

/** Records dialogs (alert, confirm, prompt) and sets the canary before any page script runs. */
async function watch(page: Page): Promise<string[]> {
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.addInitScript(() => { (window as any).__xss = undefined; });
  return dialogs;
}

/** Nothing ran and no element came from the data anywhere in `area`. */
async function expectInert(page: Page, area: Locator, dialogs: string[]): Promise<void> {
  expect(await page.evaluate(() => (window as any).__xss), 'the window canary').toBeUndefined();
  expect(dialogs, 'dialogs opened by page script').toEqual([]);
  // The widget's own chart is an <svg class="ksm-chart">; none may come from the data.
  for (const sel of ['img', 'script', 'svg:not(.ksm-chart)', 'iframe', 'object', 'details', 'math', 'style', 'body', 'a[href^="javascript" i]', 'input[autofocus]', 'b', 'i']) {
    await expect(area.locator(sel), `no <${sel}> inside the widget`).toHaveCount(0);
  }
  const handlers = await area.evaluateAll((els) => els.flatMap((root) =>
    [root, ...Array.from(root.querySelectorAll('*'))].flatMap((el) =>
      Array.from(el.attributes).filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}`))));
  expect(handlers, 'event handler attributes inside the widget').toEqual([]);
}

/** A valid WhatsApp number per payload (the sandbox, like the widget, refuses other links). */
const phone = (i: number) => `+55119999${1000 + i}`;

/**
 * Creates one source per payload with the payload in every string field the API accepts it
 * in, via the API: everything but the page link, which must be a phone number.
 */
async function seed(request: APIRequestContext): Promise<void> {
  const items = PAYLOADS.map((p, i) => ({
    name: p,
    external_id: `${p}#${i}`,
    origin_code: SHORT[i % SHORT.length],
    services: [{ type: 'whatsapp', pages: [{ name: p, id: `${p}#id`, link: phone(i) }] }],
  }));
  const res = await api(request, env, 'POST', '/api/v4/sources', items);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
}

/**
 * Makes the page's next list answer carry each payload as its source's page link too: a
 * server may hold a link written by another client under other rules, and the widget must
 * still show it as text and make no link of it.
 */
async function payloadLinksOnNextLoad(request: APIRequestContext): Promise<void> {
  const list = await api(request, env, 'GET', '/api/v4/sources');
  expect(list.status).toBe(200);
  for (const s of list.body._embedded.sources) {
    const i = PAYLOADS.indexOf(s.name);
    if (i >= 0) s.services[0].pages[0].link = PAYLOADS[i];
  }
  await fault(request, env.sb, {
    method: 'GET', path: '/api/v4/sources', status: 200, content_type: 'application/hal+json', json: list.body,
  });
}

test('payloads in name, external_id, origin_code and WhatsApp pages stay text on the advanced page', async ({ page, request }) => {
  await seed(request);
  await payloadLinksOnNextLoad(request);
  const dialogs = await watch(page);
  const root = await openAdvanced(page, env);
  const area = page.locator('#work-area-sources_manager');
  await expect(root.locator('tbody tr[data-k^="s"]')).toHaveCount(6 + PAYLOADS.length);

  const server = await serverSources(request, env);
  for (const [i, p] of PAYLOADS.entries()) {
    const src = server.find((s) => s.name === p);
    expect(src, `the server holds ${p}`).toBeTruthy();
    const row = rowOf(root, src.external_id);
    await expect(row.getByRole('textbox', { name: 'Name' })).toHaveValue(p);
    await expect(row.getByRole('textbox', { name: 'Origin code' })).toHaveValue(SHORT[i % SHORT.length]);
    // The WhatsApp editor shows the page fields as values, and no link is made from them.
    await row.getByRole('button', { name: /^Pages/ }).click();
    const editor = root.locator(`tr.ksm-wa[data-k="${await row.getAttribute('data-k')}"]`);
    await expect(editor.getByRole('textbox', { name: 'Page name' })).toHaveValue(p);
    await expect(editor.getByRole('textbox', { name: 'Page ID' })).toHaveValue(`${p}#id`);
    await expect(editor.getByRole('textbox', { name: 'Phone number' })).toHaveValue(p);
    await expect(editor).toContainText(`WhatsApp · ${p}`);
  }
  // {{7*7}} and ${7*7} are not evaluated anywhere.
  await expect(root.locator('.ksm-code').getByText('{{7*7}}#6', { exact: true })).toHaveCount(1);
  await expect(root.locator('.ksm-code').getByText('${7*7}#7', { exact: true })).toHaveCount(1);
  await expectInert(page, area, dialogs);

  // Search by a payload finds it as text.
  await root.getByRole('searchbox', { name: 'Search by name or external ID' }).fill('<script>');
  const withScript = PAYLOADS.filter((p) => p.includes('<script>'));
  const listed = root.locator('tbody tr[data-k^="s"]:not(.ksm-wa)');
  await expect(listed).toHaveCount(withScript.length);
  expect(await listed.getByRole('textbox', { name: 'Name' }).evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)))
    .toEqual(withScript);
  await root.getByRole('searchbox', { name: 'Search by name or external ID' }).fill('');

  // The delete confirmation names every selected payload as text.
  await root.getByRole('checkbox', { name: 'Select all' }).check();
  await root.getByRole('button', { name: /^Delete selected/ }).click();
  const confirm = page.getByRole('dialog', { name: /^Delete (this source|these \d+ sources)\?$/ });
  for (const p of PAYLOADS) await expect(confirm.getByRole('listitem').filter({ hasText: p }).first()).toBeVisible();
  await expectInert(page, area, dialogs);
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  // The lookup shows a found payload as text.
  await root.getByRole('textbox', { name: 'Find on server by external ID (one per line)' }).fill(`${PAYLOADS[0]}#0`);
  await root.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(root.locator('[data-lookup] strong')).toHaveText(PAYLOADS[0]);
  await expectInert(page, area, dialogs);
});

test('payloads stay text in the settings modal list', async ({ page, request }) => {
  await seed(request);
  const dialogs = await watch(page);
  expect(await openPage(page, env, '/settings/widgets')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const dialog = page.getByRole('dialog', { name: 'Lead Sources Manager' });
  const list = dialog.getByRole('list', { name: 'Lead sources' });
  await expect(list.getByRole('listitem')).toHaveCount(6 + PAYLOADS.length);
  for (const p of PAYLOADS) await expect(list.getByRole('listitem').filter({ hasText: p }).first()).toBeVisible();
  await expectInert(page, dialog.locator('.ksm'), dialogs);
});

test('payloads in an import file stay text in the preview, and export writes them back as data', async ({ page, request }) => {
  await seed(request);
  const dialogs = await watch(page);
  const root = await openAdvanced(page, env);
  const area = page.locator('#work-area-sources_manager');

  const download = page.waitForEvent('download');
  await root.getByRole('button', { name: 'Export JSON' }).click();
  const text = readFileSync((await (await download).path())!, 'utf8');
  for (const secret of env.secrets) expect(text, 'the exported file carries a token').not.toContain(secret);
  const exported = JSON.parse(text);
  for (const p of PAYLOADS) expect(exported.map((s: any) => s.name)).toContain(p);

  const file = PAYLOADS.map((p, i) => ({ name: `${p} (new)`, external_id: `new-${i}` }));
  await root.locator('input[type="file"][data-a="import"]').setInputFiles({
    name: 'xss.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)),
  });
  const preview = page.getByRole('dialog', { name: 'Import preview' });
  await expect(preview).toContainText(`Will be created: ${PAYLOADS.length}`);
  for (const [i, p] of PAYLOADS.entries()) {
    await expect(preview.locator('[data-create] li').nth(i)).toHaveText(`${p} (new) · new-${i}`);
  }
  await expectInert(page, area, dialogs);
  await preview.getByRole('button', { name: 'Cancel' }).click();
});

/** Server answers whose text carries a payload: three kinds of failed load, in turn. */
const ERRORS = PAYLOADS.slice(0, 20).map((p, i) => ({ p, i }));

for (const { p, i } of ERRORS) {
  test(`server error detail #${i} stays text: ${p}`, async ({ page, request }) => {
    const dialogs = await watch(page);
    const kind = i % 3;
    if (kind === 0) {
      // A 500 problem+json on load, with the payload as title, detail and trace_id.
      await fault(request, env.sb, {
        method: 'GET', path: '/api/v4/sources', status: 500, count: 3,
        content_type: 'application/problem+json', json: { title: p, status: 500, detail: p, trace_id: p },
      });
    } else if (kind === 1) {
      // A plain-text 400 on load.
      await fault(request, env.sb, { method: 'GET', path: '/api/v4/sources', status: 400, content_type: 'text/plain', body: p });
    } else {
      // A 502 problem+json on load.
      await fault(request, env.sb, {
        method: 'GET', path: '/api/v4/sources', status: 502, count: 3,
        content_type: 'application/problem+json', json: { title: p, status: 502, detail: p },
      });
    }
    expect(await openPage(page, env, ADVANCED)).toBe(true);
    const root = manager(page);
    // A plain-text body that looks like an HTML page is not shown at all.
    const shown = kind === 1 && p.startsWith('<') ? MSG.failed : p;
    await expect(banner(root)).toContainText(shown);
    await expectInert(page, page.locator('#work-area-sources_manager'), dialogs);
    await expectNoSecretShown(root, env);
  });
}

test('a server validation error with payloads lands on the field as text', async ({ page, request }) => {
  const dialogs = await watch(page);
  const root = await openAdvanced(page, env);
  await fault(request, env.sb, {
    method: 'PATCH', path: '/api/v4/sources/*', status: 400, content_type: 'application/problem+json',
    json: {
      title: PAYLOADS[1], status: 400, detail: PAYLOADS[0],
      'validation-errors': [{ request_id: '0', errors: [{ code: 'InvalidValue', path: 'name', detail: PAYLOADS[2] }] }],
    },
  });
  const row = rowOf(root, 'calls');
  await row.getByRole('textbox', { name: 'Name' }).fill(PAYLOADS[3]);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(banner(root)).toContainText(PAYLOADS[0]);
  await expect(row.getByRole('alert')).toContainText(PAYLOADS[2]);
  await expect(row.getByRole('textbox', { name: 'Name' })).toHaveValue(PAYLOADS[3]);
  await expectInert(page, page.locator('#work-area-sources_manager'), dialogs);
});
