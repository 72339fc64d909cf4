// The shapes Kommo's answers really have: nulls, missing fields, fields no client knows, a
// pipeline the account does not have and service types the widget does not edit. Every row
// renders, a rename sends only the name, and what the widget does not edit survives a save.
import { expect, test } from '@playwright/test';
import {
  api, banner, DEMO, fault, openAdvanced, recordApi, rowOf, serverSources, status, useWidgetSandbox,
} from './fixtures/widget';

// This account's Kommo knows a second service type, as newer accounts may.
const env = useWidgetSandbox({ extraArgs: ['--service-types', 'whatsapp,telegram'] });

/** Renames the row of `ext` and saves it; returns the one request body the save sent. */
async function rename(page: import('@playwright/test').Page, root: import('@playwright/test').Locator, ext: string, name: string): Promise<unknown> {
  const calls = recordApi(page);
  const row = rowOf(root, ext);
  await row.getByRole('textbox', { name: 'Name' }).fill(name);
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(root)).toHaveText('Saved.');
  expect(calls.map((c) => c.method)).toEqual(['PATCH']);
  return JSON.parse(calls[0].body!);
}

test('the demo data, with its nulls, [] params, unknown fields and an empty service type, renders every row and renames by name alone', async ({ page, request }) => {
  const before = await serverSources(request, env);
  expect(before.find((s) => s.external_id === DEMO.partners.ext)).toMatchObject({ services: null, default: null, origin_code: null });
  expect(before.find((s) => s.external_id === DEMO.expo.ext).services).toEqual([{ type: '', pages: [] }]);
  const root = await openAdvanced(page, env);
  await expect(root.locator('tbody tr[data-k^="s"]')).toHaveCount(before.length);
  await expect(banner(root)).toHaveCount(0);

  for (const s of [DEMO.partners, DEMO.ig, DEMO.expo, DEMO.wa, DEMO.chat]) {
    const row = rowOf(root, s.ext);
    await expect(row.getByRole('textbox', { name: 'Name' })).toHaveValue(s.name);
    // As the server sent it, no source counts as edited: nothing to save.
    await expect(row).not.toHaveClass(/ksm-dirty/);
    await expect(row.getByRole('button', { name: /^Save(?! all changes)( |$)/ })).toHaveCount(0);
  }
  for (const s of [DEMO.partners, DEMO.ig, DEMO.expo, DEMO.wa]) {
    expect(await rename(page, root, s.ext, `${s.name} (renamed)`)).toEqual({ name: `${s.name} (renamed)` });
  }
  const after = await serverSources(request, env);
  for (const was of before) {
    const now = after.find((s) => s.id === was.id);
    const renamed = [DEMO.partners, DEMO.ig, DEMO.expo, DEMO.wa].some((d) => d.ext === was.external_id);
    expect(now).toEqual(renamed ? { ...was, name: `${was.name} (renamed)` } : was);
  }
});

test('a list answer without default or origin_code, with services: null and an unknown pipeline still renders every row', async ({ page, request }) => {
  const real = await serverSources(request, env);
  const odd = real.map((s, i) => {
    const copy: Record<string, unknown> = { ...s, services: i === 0 ? null : s.services };
    if (i === 1) delete copy.default;
    if (i === 2) delete copy.origin_code;
    if (i === 3) copy.pipeline_id = 777;
    return copy;
  });
  await fault(request, env.sb, {
    method: 'GET', path: '/api/v4/sources', status: 200, content_type: 'application/hal+json', count: 1,
    json: { _total_items: odd.length, _links: { self: { href: `${env.sb.url}/api/v4/sources` } }, _embedded: { sources: odd } },
  });
  const root = await openAdvanced(page, env);
  await expect(root.locator('tbody tr[data-k^="s"]')).toHaveCount(odd.length);
  await expect(banner(root)).toHaveCount(0);
  const lost = rowOf(root, real[3].external_id);
  await expect(lost.getByRole('combobox', { name: 'Pipeline' }).locator('option:checked')).toHaveText('777 (unknown pipeline)');
  for (const i of [0, 1, 2, 3]) {
    const s = real[i];
    expect(await rename(page, root, s.external_id, `${s.name} 2`)).toEqual({ name: `${s.name} 2` });
  }
  // The pipeline the account does not have was not sent back, so the server kept its own.
  const after = await serverSources(request, env);
  expect(after.find((s) => s.id === real[3].id)).toEqual({ ...real[3], name: `${real[3].name} 2` });
});

test('a Telegram service the widget does not edit survives renames and WhatsApp edits unchanged on the server', async ({ page, request }) => {
  const telegram = { type: 'telegram', pages: [{ name: 'Bot', id: 'tg-1', link: '@shop_bot', locale: 'en' }], params: [], note: 'kept' };
  const whatsapp = { type: 'whatsapp', pages: [{ name: 'Sales', id: 'wa-1', link: '15550101234' }] };
  const made = await api(request, env, 'POST', '/api/v4/sources', [{ name: 'Messengers', external_id: 'messengers', services: [telegram, whatsapp] }]);
  expect(made.status).toBe(200);
  const id = made.body._embedded.sources[0].id;

  const root = await openAdvanced(page, env);
  const row = rowOf(root, 'messengers');
  await expect(row.getByRole('button', { name: /^Save(?! all changes)( |$)/ })).toHaveCount(0);
  expect(await rename(page, root, 'messengers', 'Messengers 2')).toEqual({ name: 'Messengers 2' });

  const calls = recordApi(page);
  await row.getByRole('button', { name: 'Pages (1)' }).click();
  const editor = root.locator(`tr.ksm-wa[data-k="${await row.getAttribute('data-k')}"]`);
  await editor.getByRole('textbox', { name: 'Phone number' }).fill('15550109999');
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(status(root)).toHaveText('Saved.');
  expect(calls.map((c) => [c.method, c.path])).toEqual([['PATCH', `/api/v4/sources/${id}`]]);
  const body = JSON.parse(calls[0].body!);
  // Everything of the Telegram service goes back as it came, but for its empty params: sent
  // as `[]`, it goes back as the object a client must send.
  const kept = { ...telegram, params: {} };
  expect(body).toEqual({ services: [kept, { ...whatsapp, pages: [{ ...whatsapp.pages[0], link: '15550109999' }] }] });
  const saved = (await serverSources(request, env)).find((s) => s.id === id);
  expect(saved.services[0]).toEqual(kept);
  expect(saved.services[1].pages[0].link).toBe('15550109999');
});

test('a refusal whose detail is in Russian is shown as the server wrote it, and the typed name stays', async ({ page, request }) => {
  const root = await openAdvanced(page, env);
  const detail = 'Ошибка валидации: название источника недопустимо';
  await fault(request, env.sb, {
    method: 'PATCH', path: '/api/v4/sources/*', status: 400, content_type: 'application/problem+json; charset=utf-8',
    json: { title: 'Bad Request', type: 'https://httpstatus.es/400', status: 400, detail },
  });
  const row = rowOf(root, DEMO.calls.ext);
  await row.getByRole('textbox', { name: 'Name' }).fill('Звонки');
  await row.getByRole('button', { name: /^Save(?! all changes)( |$)/ }).click();
  await expect(banner(root)).toContainText(detail);
  await expect(row.getByRole('textbox', { name: 'Name' })).toHaveValue('Звонки');
  await expect(row.getByRole('button', { name: /^Save(?! all changes)( |$)/ })).toBeEnabled();
  expect((await serverSources(request, env)).find((s) => s.external_id === DEMO.calls.ext).name).toBe(DEMO.calls.name);
});
