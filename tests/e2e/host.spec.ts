// The sandbox's Kommo-like host pages, driven with a small fake widget through each area's
// lifecycle: settings modal, advanced settings, Digital Pipeline, and the loader switches.
import { createHmac } from 'node:crypto';
import { expect, Page, test } from '@playwright/test';
import { Sandbox, startSandbox } from './fixtures/sandbox';

const FAKE_WIDGET = 'tests/e2e/fixtures/fake-widget';
const PAGES = [
  '/',
  '/settings/widgets',
  '/settings/widgets/sources_manager/advanced',
  '/digital-pipeline',
];

let sandbox: Sandbox;
let bare: Sandbox;

test.beforeAll(async () => {
  test.setTimeout(600_000); // the first run may compile the sandbox
  sandbox = await startSandbox(['--widget-dir', FAKE_WIDGET, '--rate-limit', '0']);
  bare = await startSandbox(['--rate-limit', '0']);
});

test.afterAll(async () => {
  await sandbox?.stop();
  await bare?.stop();
});

test.beforeEach(async ({ request }) => {
  const reset = await request.post(`${sandbox.url}/__sandbox/host/reset`);
  expect(reset.ok()).toBe(true);
});

async function open(page: Page, path: string, base = sandbox.url): Promise<boolean> {
  await page.goto(base + path);
  return page.evaluate(() => (window as any).__host.ready);
}

const lifecycle = (page: Page) => page.evaluate(() => (window as any).__host.lifecycle.slice());
const hostErrors = (page: Page) => page.evaluate(() => (window as any).__host.errors.slice());
const count = (list: string[], name: string) => list.filter((n) => n === name).length;

test('the dashboard shows the Kommo chrome and loads the widget without errors', async ({ page }) => {
  expect(await open(page, '/')).toBe(true);
  await expect(page.locator('.nav-left')).toBeVisible();
  await expect(page.locator('[data-nav="dashboard"]')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('link', { name: 'Settings > Integrations' })).toBeVisible();
  await expect(page.getByText('No widget is built yet')).toHaveCount(0);
  expect(await lifecycle(page)).toEqual([]);
  expect(await hostErrors(page)).toEqual([]);
});

test('the settings modal renders the manifest fields, runs the lifecycle and saves', async ({ page, request }) => {
  expect(await open(page, '/settings/widgets')).toBe(true);
  const tile = page.locator('#widget-tile-sources_manager');
  await expect(tile).toBeEnabled();
  await expect(tile).toContainText('Fake widget');
  await expect(tile.locator('img')).toHaveAttribute('src', '/widgets/sources_manager/images/logo.png?v=0.0.7');

  await tile.click();
  const dialog = page.getByRole('dialog', { name: 'Fake widget' });
  await expect(dialog).toBeVisible();
  const token = dialog.getByLabel('API token');
  await expect(token).toHaveAttribute('type', 'password');
  await expect(token).toHaveValue(sandbox.demoToken ?? '');
  await expect(token).toBeFocused();
  expect(await lifecycle(page)).toEqual(['render', 'init', 'bind_actions', 'settings']);
  await expect(dialog.locator('.fake-info')).toHaveText('jquery 3.7.1, token saved, label ');
  await expect(dialog.locator('.fake-area')).toHaveText('area: settings');

  // A required field left empty stops the save before the widget is asked.
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('This field is required')).toBeVisible();
  expect(await lifecycle(page)).not.toContain('onSave');

  // The widget may refuse: nothing is saved and the modal stays open.
  await dialog.getByLabel('Account label').fill('refuse');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Not saved: the widget refused the settings');
  expect((await (await request.get(`${sandbox.url}/__sandbox/host/settings`)).json()).label).toBeUndefined();

  await dialog.getByLabel('Account label').fill('Main office');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(tile).toBeFocused();
  expect((await lifecycle(page)).slice(-2)).toEqual(['onSave', 'destroy']);
  expect(await page.evaluate(() => (window as any).__fake.saved)).toEqual({
    token: sandbox.demoToken ?? '',
    label: 'Main office',
  });
  await expect(page.locator('.fake-widget')).toHaveCount(0);

  const saved = await (await request.get(`${sandbox.url}/__sandbox/host/settings`)).json();
  expect(saved.label).toBe('Main office');

  // After a reload the widget object sees what was saved.
  await open(page, '/settings/widgets');
  const view = await page.evaluate(() => {
    const w = (window as any).__host.widget();
    return { settings: w.get_settings(), params: w.params, version: w.get_version() };
  });
  expect(view.settings).toMatchObject({ label: 'Main office', widget_code: 'sources_manager' });
  expect(view.params).toMatchObject({ path: '/widgets/sources_manager', version: '0.0.7', label: 'Main office' });
  expect(view.params.cdn_path).toBeUndefined();
  expect(view.version).toBe('0.0.7');
  await tile.click();
  await expect(page.getByRole('dialog').locator('.fake-info')).toHaveText('jquery 3.7.1, token saved, label Main office');
  await expect(page.getByRole('dialog').getByLabel('Account label')).toHaveValue('Main office');
  expect(await hostErrors(page)).toEqual([]);
});

test('the modal traps focus, closes on Escape and gives focus back to the tile', async ({ page }) => {
  await open(page, '/settings/widgets');
  const tile = page.locator('#widget-tile-sources_manager');
  await tile.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  // The close button comes first and the widget's own content last: Shift+Tab wraps around.
  await dialog.getByRole('button', { name: 'Close' }).focus();
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Fake action' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(tile).toBeFocused();
  expect((await lifecycle(page)).slice(-1)).toEqual(['destroy']);

  // The close button and a click on the overlay close it as well.
  await tile.click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await tile.click();
  await page.mouse.click(5, 5);
  await expect(dialog).toBeHidden();
  expect(count(await lifecycle(page), 'destroy')).toBe(3);
  expect(await hostErrors(page)).toEqual([]);
});

test('100 open and close cycles of the modal leave nothing behind', async ({ page }) => {
  await open(page, '/settings/widgets');
  const result = await page.evaluate(async () => {
    const host = (window as any).__host;
    for (let i = 0; i < 100; i++) {
      if (!(await host.openSettings())) return 'open failed at ' + i;
      if (document.querySelectorAll('.fake-widget').length !== 1) return 'not one widget view at ' + i;
      await host.closeSettings();
    }
    return 'ok';
  });
  expect(result).toBe('ok');
  const calls = await lifecycle(page);
  for (const name of ['render', 'init', 'bind_actions', 'settings', 'destroy']) expect(count(calls, name)).toBe(100);
  await expect(page.locator('.modal-overlay')).toHaveCount(0);
  await expect(page.locator('.fake-widget')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__fake.instances)).toBe(1);
  expect(await hostErrors(page)).toEqual([]);
});

test('the language comes from ?lang and stays for the session', async ({ page }) => {
  await open(page, '/settings/widgets?lang=es');
  await expect(page.locator('#widget-tile-sources_manager')).toContainText('Widget falso');
  await expect(page.locator('[data-lang="es"]')).toHaveAttribute('aria-current', 'true');
  await open(page, '/settings/widgets');
  await expect(page.locator('#widget-tile-sources_manager')).toContainText('Widget falso');
  await page.locator('#widget-tile-sources_manager').click();
  await expect(page.getByRole('dialog').getByLabel('Token de API')).toBeVisible();
  await expect(page.locator('.fake-hello')).toHaveText('Hola desde el widget falso');
  const system = await page.evaluate(() => (window as any).__host.widget().system());
  expect(system).toMatchObject({ area: 'settings', lang: 'es', subdomain: 'sandbox' });
  expect(typeof system.amouser_id).toBe('number');

  // A language the widget does not ship falls back to English for the widget's strings.
  await open(page, '/settings/widgets?lang=pt');
  await expect(page.locator('#widget-tile-sources_manager')).toContainText('Fake widget');
  expect(await page.evaluate(() => (window as any).__host.widget().system().lang)).toBe('pt');
});

test('i18n looks up dotted keys and langs holds the locale file', async ({ page }) => {
  await open(page, '/settings/widgets');
  const found = await page.evaluate(() => {
    const w = (window as any).__host.widget();
    return {
      hello: w.i18n('fake.hello'),
      section: w.i18n('settings'),
      missing: w.i18n('no.such.key'),
      langs: w.langs.widget.name,
    };
  });
  expect(found).toEqual({
    hello: 'Hello from the fake widget',
    section: { token: 'API token', label: 'Account label' },
    missing: 'no.such.key',
    langs: 'Fake widget',
  });
});

test('the advanced page mounts into #work-area and survives 100 leave and enter cycles', async ({ page }) => {
  await open(page, '/settings/widgets/sources_manager/advanced');
  await expect(page.locator('#advanced-title')).toHaveText('Fake advanced page');
  await expect(page.locator('[data-nav="settings"]')).toHaveAttribute('aria-current', 'page');
  const area = page.locator('#work-area-sources_manager');
  await expect(area.locator('.fake-area')).toHaveText('area: advanced_settings');
  await expect(area.locator('.fake-info')).toHaveText('advanced 0.0.7');
  await expect(area.locator('.fake-wasm')).toHaveText('wasm: streaming');
  expect(await lifecycle(page)).toEqual(['render', 'init', 'bind_actions', 'advancedSettings']);

  const result = await page.evaluate(async () => {
    const host = (window as any).__host;
    for (let i = 0; i < 100; i++) {
      await host.leaveAdvanced();
      if (host.residue !== 0) return 'widget left ' + host.residue + ' nodes at ' + i;
      if (!(await host.enterAdvanced())) return 'enter failed at ' + i;
    }
    return 'ok';
  });
  expect(result).toBe('ok');
  const calls = await lifecycle(page);
  expect(count(calls, 'advancedSettings')).toBe(101);
  expect(count(calls, 'destroy')).toBe(100);
  await expect(area.locator('.fake-widget')).toHaveCount(1);
  await area.getByRole('button', { name: 'Fake action' }).click();
  await expect(area.getByRole('button', { name: 'Clicked 1' })).toBeVisible();
  expect(await hostErrors(page)).toEqual([]);
});

test('a callback that does not return true is a visible host error', async ({ page }) => {
  await page.addInitScript(() => sessionStorage.setItem('fake-widget.mode', JSON.stringify({ render: false })));
  await open(page, '/settings/widgets/sources_manager/advanced');
  await expect(page.locator('#host-errors')).toContainText('callbacks.render returned false instead of true');
  expect(await lifecycle(page)).toEqual(['render']);
  await expect(page.locator('#work-area-sources_manager')).toBeEmpty();
});

test('a widget constructor that throws is reported on the page, not a blank area', async ({ page }) => {
  await page.addInitScript(() => sessionStorage.setItem('fake-widget.mode', JSON.stringify({ construct: 'throw' })));
  expect(await open(page, '/settings/widgets/sources_manager/advanced')).toBe(false);
  await expect(page.locator('#host-errors')).toContainText('The widget constructor threw: fake constructor failure');
  expect(await lifecycle(page)).toEqual([]);
});

test('Digital Pipeline lists the API pipelines and attaches the widget as a source', async ({ page, request }) => {
  const api = await request.get(`${sandbox.url}/api/v4/leads/pipelines`, {
    headers: { Authorization: `Bearer ${sandbox.demoToken}` },
  });
  expect(api.status()).toBe(200);
  const pipelines: any[] = (await api.json())._embedded.pipelines;
  const main = pipelines.find((p) => p.is_main);
  const other = pipelines.find((p) => !p.is_main && !p.is_archive);

  await open(page, '/digital-pipeline');
  await expect(page.locator('[data-nav="pipeline"]')).toHaveAttribute('aria-current', 'page');
  const tabs = page.locator('#dp-pipelines a');
  await expect(tabs).toHaveCount(pipelines.length);
  await expect(page.locator('#dp-pipelines a[aria-current="page"]')).toContainText(main.name);
  await expect(page.locator('#dp-pipelines .dp-tabs__archived')).toHaveCount(pipelines.filter((p) => p.is_archive).length);
  await expect(page.locator('#dp-notice')).toBeHidden();
  expect(await page.evaluate(() => (window as any).__host.widget().get_pipeline_id().then(() => 'resolved', () => 'rejected'))).toBe('rejected');

  // Kommo documents no container for a lead source: the page offers none.
  await expect(page.locator('#dp-source-sources_manager, #dp-panel')).toHaveCount(0);

  const add = page.getByRole('button', { name: '+ Add source' });
  await add.click();
  const picker = page.getByRole('dialog', { name: 'Add source' });
  await picker.getByRole('button', { name: /Fake widget/ }).click();
  await expect(picker).toBeHidden();
  // The widget opens a layer of its own, told the pipeline by onAddAsSource and get_pipeline_id.
  const layer = page.getByRole('dialog', { name: 'Fake widget panel' });
  await expect(layer.locator('.fake-area')).toHaveText('area: digital_pipeline');
  await expect(layer.locator('.fake-added')).toHaveText(`added to pipeline ${main.id} (number)`);
  await expect(layer.locator('.fake-pipeline')).toHaveText(`get_pipeline_id: ${main.id} (number)`);
  expect(await lifecycle(page)).toEqual(['render', 'init', 'bind_actions', 'onAddAsSource']);
  expect(await page.evaluate(() => (window as any).__fake.added)).toEqual([main.id]);

  // Leaving the area destroys the widget, and whatever it added to the page must go with it.
  expect(await page.evaluate(() => (window as any).__host.closeSource())).toBe(true);
  await expect(layer).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__host.residue)).toBe(0);
  expect((await lifecycle(page)).slice(-1)).toEqual(['destroy']);

  // The attachment is kept: after a reload the source is there and get_pipeline_id resolves.
  await open(page, `/leads/pipeline/${main.id}/settings`);
  const source = page.locator('#dp-source-tile-sources_manager');
  await expect(source).toContainText('Fake widget');
  expect(await page.evaluate(() => (window as any).__host.widget().get_pipeline_id())).toBe(main.id);
  // Opening the attached source enters the area again: render, init, bind_actions only.
  await source.getByRole('button', { name: 'Fake widget', exact: true }).click();
  await expect(layer.locator('.fake-pipeline')).toHaveText(`get_pipeline_id: ${main.id} (number)`);
  expect(await lifecycle(page)).toEqual(['render', 'init', 'bind_actions']);
  await layer.getByRole('button', { name: 'Close the fake panel' }).click();
  await expect(layer).toHaveCount(0);

  // Another pipeline has no source until the widget is added there too.
  await open(page, `/leads/pipeline/${other.id}/settings`);
  await expect(page.locator('#dp-source-tile-sources_manager')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__host.widget().get_pipeline_id().then(() => 'resolved', () => 'rejected'))).toBe('rejected');

  // Removing the source detaches it.
  await open(page, `/leads/pipeline/${main.id}/settings`);
  await source.getByRole('button', { name: /Remove/ }).click();
  await expect(source).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__host.widget().get_pipeline_id().then(() => 'resolved', () => 'rejected'))).toBe('rejected');
  expect(await hostErrors(page)).toEqual([]);
});

test('Digital Pipeline hands pipeline ids as strings when the switch says so', async ({ page, request }) => {
  expect((await request.post(`${sandbox.url}/__sandbox/host`, { data: { pipeline_id_as: 'string' } })).ok()).toBe(true);
  await open(page, '/digital-pipeline');
  const id = await page.evaluate(async () => {
    await (window as any).__host.addAsSource();
    return (window as any).__fake.added[0];
  });
  expect(typeof id).toBe('string');
  const layer = page.getByRole('dialog', { name: 'Fake widget panel' });
  await expect(layer.locator('.fake-added')).toHaveText(`added to pipeline ${id} (string)`);
  await expect(layer.locator('.fake-pipeline')).toHaveText(`get_pipeline_id: ${id} (string)`);
  expect(await hostErrors(page)).toEqual([]);
});

test('Digital Pipeline lists the integration\'s sources of the pipeline, as text, and follows their changes', async ({ page, request }) => {
  const auth = { Authorization: `Bearer ${sandbox.demoToken}` };
  expect((await request.post(`${sandbox.url}/__sandbox/reset`)).ok()).toBe(true);
  const pipelines: any[] = (await (await request.get(`${sandbox.url}/api/v4/leads/pipelines`, { headers: auth })).json())
    ._embedded.pipelines;
  const other = pipelines.find((p) => !p.is_main && !p.is_archive);
  const all: any[] = (await (await request.get(`${sandbox.url}/api/v4/sources`, { headers: auth })).json())._embedded.sources;
  const here = all.filter((s) => s.pipeline_id === other.id);
  expect(here.length).toBeGreaterThan(0);

  await open(page, `/leads/pipeline/${other.id}/settings`);
  const list = page.getByRole('list', { name: 'Sources of Fake widget' });
  await expect(list.getByRole('listitem')).toHaveCount(here.length);
  for (const s of here) await expect(list.locator(`[data-source-id="${s.id}"]`)).toContainText(s.name);
  // The sources are listed whether or not the widget is attached to the pipeline.
  await expect(page.locator('#dp-source-tile-sources_manager')).toHaveCount(0);

  // Created elsewhere (markup in the name stays text), the page follows without a reload.
  const created = await request.post(`${sandbox.url}/api/v4/sources`, {
    headers: auth,
    data: [{ name: '<img src=x onerror="window.__xss=1">Fair', external_id: 'fair-dp', pipeline_id: other.id }],
  });
  expect(created.ok()).toBe(true);
  const id = (await created.json())._embedded.sources[0].id;
  const item = list.locator(`[data-source-id="${id}"]`);
  await expect(item).toContainText('<img src=x onerror="window.__xss=1">Fair');
  await expect(item).toContainText('fair-dp');
  await expect(list.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();

  // Moved to another pipeline, it leaves this one's list; made the default, it says so.
  const moved = await request.patch(`${sandbox.url}/api/v4/sources/${here[0].id}`, {
    headers: auth, data: { pipeline_id: pipelines.find((p) => p.is_main).id },
  });
  expect(moved.ok()).toBe(true);
  await expect(list.locator(`[data-source-id="${here[0].id}"]`)).toHaveCount(0);
  await request.patch(`${sandbox.url}/api/v4/sources/${id}`, { headers: auth, data: { default: true } });
  await expect(item.locator('.dp-sources__default')).toHaveText('default');
  await request.delete(`${sandbox.url}/api/v4/sources/${id}`, { headers: auth });
  await expect(item).toHaveCount(0);
  expect(await hostErrors(page)).toEqual([]);
  expect((await request.post(`${sandbox.url}/__sandbox/reset`)).ok()).toBe(true);
});

test('100 add-as-source and close cycles in Digital Pipeline leave nothing behind', async ({ page }) => {
  await open(page, '/digital-pipeline');
  const result = await page.evaluate(async () => {
    const host = (window as any).__host;
    for (let i = 0; i < 100; i++) {
      if (!(await host.addAsSource())) return 'add failed at ' + i;
      await host.closeSource();
      if (host.residue !== 0) return 'widget left ' + host.residue + ' nodes at ' + i;
    }
    return 'ok';
  });
  expect(result).toBe('ok');
  const calls = await lifecycle(page);
  expect(count(calls, 'onAddAsSource')).toBe(100);
  expect(count(calls, 'destroy')).toBe(100);
  expect(await hostErrors(page)).toEqual([]);
});

test('without a saved token Digital Pipeline says so and uses built-in pipelines', async ({ page, request }) => {
  await request.post(`${sandbox.url}/__sandbox/host/settings`, { data: { token: '' } });
  await open(page, '/digital-pipeline');
  const notice = page.locator('#dp-notice');
  await expect(notice).toContainText('did not list the pipelines (no token is saved in the widget settings)');
  await expect(page.locator('#dp-pipelines a')).toHaveText(['Main pipeline', 'Second pipeline', 'Archived pipelinearchived']);
  // A wrong token is reported by its status, never echoed.
  await request.post(`${sandbox.url}/__sandbox/host/settings`, { data: { token: 'wrong-secret-value' } });
  await open(page, '/digital-pipeline');
  await expect(notice).toContainText('HTTP 401');
  expect(await page.content()).not.toContain('wrong-secret-value');
});

test('$authorizedAjax sends an HS256 X-Auth-Token', async ({ page }) => {
  await open(page, '/settings/widgets');
  const sent = page.waitForRequest((r) => r.url().endsWith('/__sandbox/host'));
  const answer = await page.evaluate(() => new Promise((resolve, reject) => {
    (window as any).__host.widget().$authorizedAjax({ url: '/__sandbox/host', dataType: 'json' })
      .done((data: unknown) => resolve(data))
      .fail((_x: unknown, status: string) => reject(new Error(status)));
  }));
  expect(answer).toEqual({ wasm_mime: 'correct', csp: 'none', pipeline_id_as: 'number', files: 'same', encoding: 'identity' });
  const jwt = (await sent).headers()['x-auth-token'];
  const [head, body, signature] = jwt.split('.');
  const expected = createHmac('sha256', 'sandbox-client-secret').update(`${head}.${body}`).digest('base64url');
  expect(signature).toBe(expected);
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  // Without an OAuth integration the sandbox signs as its own client, for its own origin.
  expect(claims).toMatchObject({
    subdomain: 'sandbox', iss: sandbox.url, aud: sandbox.url, account_id: 30470678, user_id: 1, client_uuid: 'sandbox-client',
  });
  expect(claims.exp - claims.iat).toBe(1800);
  expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  expect(await page.content()).not.toContain('sandbox-client-secret');
});

test('a wrong .wasm Content-Type makes the loader fall back to compiling bytes', async ({ page, request }) => {
  for (const mime of ['wrong', 'text']) {
    await request.post(`${sandbox.url}/__sandbox/host`, { data: { wasm_mime: mime } });
    await open(page, '/settings/widgets/sources_manager/advanced');
    await expect(page.locator('.fake-wasm')).toHaveText('wasm: fallback');
  }
  await request.post(`${sandbox.url}/__sandbox/host`, { data: { wasm_mime: 'correct' } });
  await open(page, '/settings/widgets/sources_manager/advanced');
  await expect(page.locator('.fake-wasm')).toHaveText('wasm: streaming');
});

test('a strict CSP blocks wasm while the host pages keep working', async ({ page, request }) => {
  await request.post(`${sandbox.url}/__sandbox/host`, { data: { csp: 'strict' } });
  const response = await page.goto(`${sandbox.url}/settings/widgets/sources_manager/advanced`);
  expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(await page.evaluate(() => (window as any).__host.ready)).toBe(true);
  await expect(page.locator('.fake-area')).toHaveText('area: advanced_settings');
  await expect(page.locator('.fake-wasm')).toContainText('wasm: blocked');
  await open(page, '/settings/widgets');
  await page.locator('#widget-tile-sources_manager').click();
  await expect(page.getByRole('dialog').getByLabel('API token')).toBeVisible();
  expect(await hostErrors(page)).toEqual([]);
});

test('without a built widget every page says to run cargo xtask dev', async ({ page }) => {
  for (const path of [...PAGES, '/leads/pipeline/1/settings']) {
    expect(await open(page, path, bare.url)).toBe(false);
    await expect(page.getByRole('heading', { name: 'No widget is built yet: run cargo xtask dev' })).toBeVisible();
    await expect(page.locator('#work-area-sources_manager, #widget-tile-sources_manager, #dp-board')).toHaveCount(0);
    expect(await hostErrors(page)).toEqual([]);
  }
});
