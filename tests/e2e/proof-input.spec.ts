// The bad-input corpus: invalid values typed into the manager (or chosen as an import file)
// are stopped on the field (or the file) before anything is sent, and the same values sent
// straight to the sandbox are refused there with a problem+json answer (control characters
// and WhatsApp page values included: the sandbox applies the widget's field rules where the
// API reference is silent, see sandbox/README.md).
import { APIRequestContext, expect, Locator, Page, test } from '@playwright/test';
import { DEMO, draftRows, openAdvanced, rowOf, sent, serverSources, status, useWidgetSandbox, zeroCounters } from './fixtures/widget';

const env = useWidgetSandbox();

const M = {
  required: 'Required.',
  tooLongName: 'Too long: at most 255 characters.',
  tooLongExt: 'Too long: at most 40 characters.',
  tooLongOrigin: 'Too long: at most 20 characters.',
  duplicate: 'Another source already uses this external ID.',
  chars: 'Use printable characters only.',
  digits: 'Must not be only digits.',
  quotes: 'Must not be only quotes.',
  phone: 'Enter an international phone number (digits, optionally starting with +).',
  notJson: 'The file is not valid JSON.',
  shape: 'The file must hold a list of sources with name and external_id.',
  tooBig: 'The file is too large (at most 1 MB).',
  fileDup: 'The file has the same external ID twice:',
  fileInvalid: 'The file has an invalid source:',
};

/**
 * A request sent straight to the sandbox: method, path and the raw body; `field`, when set,
 * is the path its validation error must name.
 */
interface Direct { method: string; path: string; body: string; field?: string }

/** Sends `d` with the demo token and checks a 4xx problem+json answer. */
async function expectRefused(request: APIRequestContext, d: Direct): Promise<void> {
  let path = d.path;
  for (const [slot, ext] of [['{calls}', DEMO.calls.ext], ['{wa}', DEMO.wa.ext]]) {
    if (!path.includes(slot)) continue;
    const id = (await serverSources(request, env)).find((s) => s.external_id === ext).id;
    path = path.replace(slot, String(id));
  }
  const before = JSON.stringify(await serverSources(request, env));
  const res = await request.fetch(`${env.sb.url}${path}`, {
    method: d.method,
    headers: { Authorization: `Bearer ${env.token}`, 'Content-Type': 'application/json' },
    data: Buffer.from(d.body),
  });
  expect(res.status(), `the sandbox refuses ${d.body.slice(0, 80)}`).toBeGreaterThanOrEqual(400);
  expect(res.status()).toBeLessThan(500);
  expect(res.headers()['content-type']).toMatch(/^application\/problem\+json/);
  const problem = await res.json();
  expect(problem.status).toBe(res.status());
  expect(typeof problem.title).toBe('string');
  if (d.field) {
    // A field error the widget could place: the field's path, a code and words saying why.
    expect(res.status()).toBe(400);
    const errors = problem['validation-errors'][0].errors;
    expect(errors).toEqual([expect.objectContaining({ code: 'InvalidValue', path: d.field })]);
    expect(errors[0].detail).toMatch(/control characters|must not be empty|phone number/);
  }
  // Nothing changed on the server.
  expect(JSON.stringify(await serverSources(request, env))).toBe(before);
}

const post = (items: unknown): Direct => ({ method: 'POST', path: '/api/v4/sources', body: JSON.stringify(items) });
const patch = (fields: unknown): Direct => ({ method: 'PATCH', path: '/api/v4/sources/{calls}', body: JSON.stringify(fields) });

/** A typed case: which field of which row, the value, the message on that field. */
interface Typed {
  what: string;
  where: 'draft' | 'row' | 'page';
  field: string;
  value: string;
  msg: string;
  /** The same value sent straight to the sandbox. */
  direct: Direct;
}

const long = (n: number, c = 'x') => c.repeat(n);
const newItem = (over: Record<string, unknown>) => ({ name: 'Valid name', external_id: 'valid-ext', ...over });

const TYPED: Typed[] = [
  // Names of a new source.
  ...([
    ['empty name', '', M.required],
    ['spaces-only name', '     ', M.required],
    ['tabs-only name', '\t\t', M.required],
    ['256-character name', long(256), M.tooLongName],
    ['10,000-character name', long(10_000), M.tooLongName],
    ['10,000 spaces then a letter', long(10_000, ' ') + 'a' + long(300, 'b'), M.tooLongName],
  ] as const).map(([what, value, msg]) => ({
    what, where: 'draft' as const, field: 'Name', value, msg, direct: post([newItem({ name: value })]),
  })),
  // Control characters in names.
  ...([
    ['name with a bell character', 'a\u0007b'],
    ['name with an escape character', '\u001b[31mred'],
    ['name with a NUL character', 'nul\u0000here'],
    ['name with a DEL character', 'del\u007f'],
  ] as const).map(([what, value]) => ({
    what, where: 'draft' as const, field: 'Name', value, msg: M.chars,
    direct: { ...post([newItem({ name: value })]), field: 'name' },
  })),
  // External ids of a new source.
  ...([
    ['empty external_id', '', M.required, post([newItem({ external_id: '' })])],
    ['spaces-only external_id', '    ', M.required, post([newItem({ external_id: '    ' })])],
    ['taken external_id, upper case', 'SITE-CHAT', M.duplicate, post([newItem({ external_id: 'SITE-CHAT' })])],
    ['taken external_id, mixed case', 'Wa-Sales', M.duplicate, post([newItem({ external_id: 'Wa-Sales' })])],
    ['taken external_id, same case', 'calls', M.duplicate, post([newItem({ external_id: 'calls' })])],
    ['taken external_id, odd case', 'pArTnEr-ReF', M.duplicate, post([newItem({ external_id: 'pArTnEr-ReF' })])],
    ['256-character external_id', long(256, 'e'), M.tooLongExt, post([newItem({ external_id: long(256, 'e') })])],
    ['1,000-character external_id', long(1000, 'e'), M.tooLongExt, post([newItem({ external_id: long(1000, 'e') })])],
  ] as const).map(([what, value, msg, direct]) => ({ what, where: 'draft' as const, field: 'External ID', value, msg, direct })),
  // Origin codes of a new source.
  ...([
    ['digits-only origin_code', '12345', M.digits],
    ['one-digit origin_code', '0', M.digits],
    ['20 digits origin_code', '12345678901234567890', M.digits],
    ['one-quote origin_code', '"', M.quotes],
    ['quotes-only origin_code', '""""', M.quotes],
    ['21-character origin_code', long(21, 'o'), M.tooLongOrigin],
    ['30-character origin_code', 'kommo.ext.' + long(20, 'z'), M.tooLongOrigin],
  ] as const).map(([what, value, msg]) => ({
    what, where: 'draft' as const, field: 'Origin code', value, msg, direct: post([newItem({ external_id: 'oc-case', origin_code: value })]),
  })),
  // Edits of a saved source.
  ...([
    ['edited name emptied', 'Name', '', M.required, patch({ name: '' })],
    ['edited name of spaces', 'Name', '   ', M.required, patch({ name: '   ' })],
    ['edited name of 10,000 characters', 'Name', long(10_000), M.tooLongName, patch({ name: long(10_000) })],
    ['edited origin_code digits-only', 'Origin code', '987', M.digits, patch({ origin_code: '987' })],
    ['edited origin_code quotes-only', 'Origin code', '""', M.quotes, patch({ origin_code: '""' })],
    ['edited origin_code of 21 characters', 'Origin code', long(21, 'q'), M.tooLongOrigin, patch({ origin_code: long(21, 'q') })],
  ] as const).map(([what, field, value, msg, direct]) => ({ what, where: 'row' as const, field, value, msg, direct })),
];

/**
 * Puts `value` in `input`: typed, or, past the field's maxlength (which stops typing), set
 * as a script or the browser's autofill would, so that the widget's own check is seen.
 */
async function typeInto(input: Locator, value: string): Promise<void> {
  const max = Number((await input.getAttribute('maxlength')) ?? Infinity);
  if (value.length <= max) return input.fill(value);
  await input.evaluate((el: HTMLInputElement, v: string) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Types `c.value` into its field and tries to create or save; returns the field. */
async function typeAndSubmit(page: Page, root: Locator, c: Typed): Promise<Locator> {
  if (c.where === 'draft') {
    await root.getByRole('button', { name: 'Add source' }).click();
    const draft = draftRows(root);
    await draft.getByRole('textbox', { name: 'Name' }).fill('Valid name');
    await draft.getByRole('textbox', { name: 'External ID' }).fill('valid-ext');
    const input = draft.getByRole('textbox', { name: c.field });
    await typeInto(input, c.value);
    await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
    return input;
  }
  const row = rowOf(root, DEMO.calls.ext);
  const input = row.getByRole('textbox', { name: c.field });
  await typeInto(input, c.value);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  return input;
}

/** The field is marked and its own cell says why. */
async function expectFieldError(input: Locator, msg: string): Promise<void> {
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input.locator('xpath=ancestor::td[1]').getByRole('alert')).toHaveText(msg);
}

for (const c of TYPED) {
  test(`typed: ${c.what}`, async ({ page, request }) => {
    const root = await openAdvanced(page, env);
    await zeroCounters(request, env.sb);
    const input = await typeAndSubmit(page, root, c);
    await expectFieldError(input, c.msg);
    await expect(status(root)).toHaveText('Fix the marked fields first.');
    // The value stays as typed (inputs drop line breaks only).
    await expect(input).toHaveValue(c.value);
    expect(await sent(request, env.sb), 'nothing was sent').toEqual({});
    await expectRefused(request, c.direct);
  });
}

test('typed: each field stops at its limit, which its maxlength says', async ({ page }) => {
  const root = await openAdvanced(page, env);
  await root.getByRole('button', { name: 'Add source' }).click();
  const draft = draftRows(root);
  for (const [field, max] of [['Name', 255], ['External ID', 40], ['Origin code', 20]] as const) {
    const input = draft.getByRole('textbox', { name: field });
    await expect(input).toHaveAttribute('maxlength', String(max));
    await input.pressSequentially(long(max + 3, 'k'));
    await expect(input).toHaveValue(long(max, 'k'));
    await expect(input).toHaveAttribute('aria-invalid', 'false');
  }
});

test('typed: the same new external_id twice in one batch, in different letter case', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  for (const [i, ext] of ['batch-twin', 'BATCH-Twin'].entries()) {
    await root.getByRole('button', { name: 'Add source' }).click();
    await draftRows(root).nth(i).getByRole('textbox', { name: 'Name' }).fill(`Twin ${i}`);
    await draftRows(root).nth(i).getByRole('textbox', { name: 'External ID' }).fill(ext);
  }
  await root.getByRole('button', { name: 'Create new sources (2)' }).click();
  await expect(status(root)).toHaveText('Fix the marked fields first.');
  for (const i of [0, 1]) await expectFieldError(draftRows(root).nth(i).getByRole('textbox', { name: 'External ID' }), M.duplicate);
  expect(await sent(request, env.sb)).toEqual({});
  await expectRefused(request, post([{ name: 'Twin 0', external_id: 'batch-twin' }, { name: 'Twin 1', external_id: 'BATCH-Twin' }]));
});

/** Malformed WhatsApp page values, typed into the first page of the WhatsApp source. */
const PAGES: { what: string; field: string; value: string; msg: string }[] = [
  { what: 'phone in words', field: 'Phone number', value: 'call me', msg: M.phone },
  { what: 'phone with letters', field: 'Phone number', value: '12ab', msg: M.phone },
  { what: 'phone too short', field: 'Phone number', value: '+1234', msg: M.phone },
  { what: 'phone starting with 0', field: 'Phone number', value: '0123456789', msg: M.phone },
  { what: 'phone with two pluses', field: 'Phone number', value: '++5511999998888', msg: M.phone },
  { what: 'phone of 16 digits', field: 'Phone number', value: '1234567890123456', msg: M.phone },
  { what: 'phone as another site\'s link', field: 'Phone number', value: 'https://evil.example/5511999998888', msg: M.phone },
  { what: 'empty phone', field: 'Phone number', value: '', msg: M.required },
  { what: 'empty page name', field: 'Page name', value: '', msg: M.required },
  { what: 'page name of spaces', field: 'Page name', value: '   ', msg: M.required },
  { what: 'page name with a bell character', field: 'Page name', value: 'Main\u0007', msg: M.chars },
  { what: 'empty page id', field: 'Page ID', value: '  ', msg: M.required },
];

/** The page key each field of the WhatsApp editor sends. */
const PAGE_KEY: Record<string, string> = { 'Phone number': 'link', 'Page name': 'name', 'Page ID': 'id' };

/** The WhatsApp source's services with `value` in the first page's `field`, as a PATCH. */
function pagePatch(field: string, value: string): Direct {
  const key = PAGE_KEY[field];
  const first = { name: 'Main', id: 'wa-main', link: '+5511999998888', [key]: value };
  return { ...patch({ services: [{ type: 'whatsapp', pages: [first] }] }), path: '/api/v4/sources/{wa}', field: `services.0.pages.0.${key}` };
}

for (const c of PAGES) {
  test(`typed: WhatsApp ${c.what}`, async ({ page, request }) => {
    const root = await openAdvanced(page, env);
    await zeroCounters(request, env.sb);
    const row = rowOf(root, DEMO.wa.ext);
    await row.getByRole('button', { name: /^Pages/ }).click();
    const editor = root.locator(`tr.ksm-wa[data-k="${await row.getAttribute('data-k')}"]`);
    const input = editor.getByRole('textbox', { name: c.field }).first();
    await input.fill(c.value);
    await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(editor.getByRole('alert')).toHaveText(c.msg);
    await expect(input).toHaveValue(c.value);
    expect(await sent(request, env.sb)).toEqual({});
    // The same page sent straight to the sandbox, as a PATCH and in a create.
    const direct = pagePatch(c.field, c.value);
    await expectRefused(request, direct);
    const services = JSON.parse(direct.body).services;
    await expectRefused(request, { ...post([newItem({ external_id: 'wa-case', services })]), field: direct.field });
  });
}

test('typed: a 51st source cannot be added once 50 exist', async ({ page, request }) => {
  const fill = Array.from({ length: 44 }, (_, i) => ({ name: `Filler ${i}`, external_id: `filler-${i}` }));
  const made = await request.post(`${env.sb.url}/api/v4/sources`, {
    headers: { Authorization: `Bearer ${env.token}` }, data: fill,
  });
  expect(made.status()).toBe(200);
  const root = await openAdvanced(page, env);
  await expect(root.locator('[data-quota] strong')).toHaveText('50 / 50');
  await zeroCounters(request, env.sb);
  await expect(root.getByText('The limit of sources is reached.')).toBeVisible();
  await expect(root.getByRole('button', { name: 'Add source' })).toBeDisabled();
  expect(await sent(request, env.sb)).toEqual({});
  await expectRefused(request, post([{ name: 'Fifty-first', external_id: 'fifty-first' }]));
});

/** Import files that must be refused with a file-level message. */
const FILES: { what: string; body: string | Buffer; msg: string; exact: boolean; direct: Direct }[] = [
  { what: 'not JSON', body: 'name,external_id\nChat,chat', msg: M.notJson, exact: true, direct: { method: 'POST', path: '/api/v4/sources', body: 'name,external_id\nChat,chat' } },
  { what: 'truncated JSON', body: '[{"name": "A", "external_id": "a"', msg: M.notJson, exact: true, direct: { method: 'POST', path: '/api/v4/sources', body: '[{"name": "A", "external_id": "a"' } },
  { what: 'an empty file', body: '', msg: M.notJson, exact: true, direct: { method: 'POST', path: '/api/v4/sources', body: '' } },
  { what: 'an object instead of a list', body: '{"hello": 1}', msg: M.shape, exact: true, direct: { method: 'POST', path: '/api/v4/sources', body: '{"hello": 1}' } },
  { what: 'a list of numbers', body: '[1, 2, 3]', msg: M.shape, exact: false, direct: { method: 'POST', path: '/api/v4/sources', body: '[1, 2, 3]' } },
  { what: 'items without external_id', body: '[{"name": "No id"}]', msg: M.shape, exact: false, direct: post([{ name: 'No id' }]) },
  { what: 'a 5 MB file', body: Buffer.alloc(5 * 1024 * 1024, 'x'), msg: M.tooBig, exact: true, direct: { method: 'POST', path: '/api/v4/sources', body: '[' + '"x",'.repeat(1_300_000) + '"x"]' } },
  { what: 'the same external_id twice in the file', body: JSON.stringify([{ name: 'A', external_id: 'in-file' }, { name: 'B', external_id: 'IN-FILE' }]), msg: M.fileDup, exact: false, direct: post([{ name: 'A', external_id: 'in-file' }, { name: 'B', external_id: 'IN-FILE' }]) },
  { what: 'a 10,000-character name', body: JSON.stringify([{ name: long(10_000), external_id: 'huge' }]), msg: M.fileInvalid, exact: false, direct: post([{ name: long(10_000), external_id: 'huge' }]) },
  { what: 'a digits-only origin_code', body: JSON.stringify([{ name: 'Digits', external_id: 'digits', origin_code: '42' }]), msg: M.fileInvalid, exact: false, direct: post([{ name: 'Digits', external_id: 'digits', origin_code: '42' }]) },
  { what: 'an empty name', body: JSON.stringify([{ name: ' ', external_id: 'blank-name' }]), msg: M.fileInvalid, exact: false, direct: post([{ name: ' ', external_id: 'blank-name' }]) },
];

// A pipeline the account does not have is not a bad file: it may come from another account, so
// the preview asks where its items go (manager-data.spec.ts); until then nothing is sent, and
// the API itself refuses it.
test('import file: an unknown pipeline is asked about, not sent', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  await zeroCounters(request, env.sb);
  await root.locator('input[type="file"][data-a="import"]').setInputFiles({
    name: 'other-account.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify([{ name: 'Lost', external_id: 'lost', pipeline_id: 999 }])),
  });
  const preview = page.getByRole('dialog', { name: 'Import preview' });
  await expect(preview).toContainText('Pipeline 999 in the file is not in this account');
  expect(await sent(request, env.sb)).toEqual({});
  await expectRefused(request, post([{ name: 'Lost', external_id: 'lost', pipeline_id: 999 }]));
});

for (const f of FILES) {
  test(`import file: ${f.what}`, async ({ page, request }) => {
    const root = await openAdvanced(page, env);
    await zeroCounters(request, env.sb);
    await root.locator('input[type="file"][data-a="import"]').setInputFiles({
      name: 'bad.json', mimeType: 'application/json', buffer: Buffer.isBuffer(f.body) ? f.body : Buffer.from(f.body),
    });
    const error = root.locator('[data-import-error]');
    if (f.exact) await expect(error).toHaveText(f.msg);
    else await expect(error).toContainText(f.msg);
    await expect(page.getByRole('dialog')).toHaveCount(0);
    expect(await sent(request, env.sb)).toEqual({});
    await expectRefused(request, f.direct);
  });
}
