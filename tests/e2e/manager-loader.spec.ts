// How the widget starts in the host: the wasm loader's fallback for a wrong Content-Type, a
// clear message when a CSP blocks WebAssembly, and the UI language taken from the host.
import { expect, test } from '@playwright/test';
import {
  ADVANCED, DEMO, hostSwitch, openAdvanced, openPage, rowOf, useWidgetSandbox,
} from './fixtures/widget';

const env = useWidgetSandbox();

test('a wrong .wasm Content-Type still loads the widget through the fallback', async ({ page, request }) => {
  for (const mime of ['wrong', 'text']) {
    await hostSwitch(request, env.sb, { wasm_mime: mime });
    const types: string[] = [];
    page.on('response', (r) => { if (r.url().includes('widget_bg.wasm')) types.push(r.headers()['content-type'] ?? ''); });
    const root = await openAdvanced(page, env);
    expect(types.length, 'the wasm was fetched').toBeGreaterThan(0);
    for (const t of types) expect(t).not.toContain('application/wasm');
    await expect(rowOf(root, DEMO.chat.ext).getByRole('textbox', { name: 'Name' })).toHaveValue(DEMO.chat.name);
    await expect(page.locator('#work-area-sources_manager [role="alert"]')).toHaveCount(0);
    page.removeAllListeners('response');
  }
});

test('the widget loads when its files come gzip-compressed, streaming or through the fallback', async ({ page, request }) => {
  // Kommo's docs do not say whether its static files are served compressed.
  await hostSwitch(request, env.sb, { encoding: 'gzip' });
  for (const mime of ['correct', 'wrong']) {
    await hostSwitch(request, env.sb, { wasm_mime: mime });
    const encodings = new Map<string, string>();
    page.on('response', (r) => {
      const name = new URL(r.url()).pathname.split('/').pop() ?? '';
      // A 304 (a file kept from the first round) carries no body, so no encoding.
      if (r.status() === 200 && ['widget_bg.wasm', 'widget.js', 'script.js'].includes(name)) encodings.set(name, r.headers()['content-encoding'] ?? '');
    });
    const root = await openAdvanced(page, env);
    await expect(rowOf(root, DEMO.chat.ext).getByRole('textbox', { name: 'Name' })).toHaveValue(DEMO.chat.name);
    // The relabelled wasm is a new version: fetched again, the scripts come from the cache.
    const sent = mime === 'correct' ? ['script.js', 'widget.js', 'widget_bg.wasm'] : ['widget_bg.wasm'];
    expect(Object.fromEntries(encodings), mime).toEqual(Object.fromEntries(sent.map((n) => [n, 'gzip'])));
    await expect(page.locator('#work-area-sources_manager [role="alert"]')).toHaveCount(0);
    page.removeAllListeners('response');
  }
});

test('the first two requests are on their way before the widget renders anything', async ({ page }) => {
  // Records each API request as it is sent, through fetch or XHR (the relay's ajax), and
  // which were sent when the widget's first element appeared.
  await page.addInitScript(() => {
    const w = window as any;
    w.__sent = [];
    const note = (u: unknown) => {
      const p = new URL(String(u instanceof Request ? u.url : u), location.href).pathname;
      if (p.includes('/api/')) w.__sent.push(p.slice(p.indexOf('/api/')));
    };
    const fetch0 = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) { note(input); return fetch0.call(this, input, init); };
    const open0 = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, m: string, u: string | URL, ...rest: any[]) {
      note(u);
      return (open0 as any).call(this, m, u, ...rest);
    } as any;
    new MutationObserver((_, obs) => {
      if (!document.querySelector('#work-area-sources_manager .ksm-app')) return;
      w.__firstRender = [...w.__sent];
      obs.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await openAdvanced(page, env);
  const sent: string[] = await page.evaluate(() => (window as any).__firstRender);
  expect(sent.map((p) => p.split('?')[0]).sort()).toEqual(['/api/v4/leads/pipelines', '/api/v4/sources']);
});

test('a CSP that blocks WebAssembly shows a clear message instead of a blank area', async ({ page, request }) => {
  await hostSwitch(request, env.sb, { csp: 'strict' });
  expect(await openPage(page, env, ADVANCED)).toBe(true);
  const area = page.locator('#work-area-sources_manager');
  const alert = area.getByRole('alert');
  await expect(alert).toHaveText(
    'WebAssembly is blocked on this page (Content Security Policy), so the sources manager cannot start.');
  // Retrying cannot help under a CSP, so none is offered; no source request was made.
  await expect(alert.getByRole('button')).toHaveCount(0);
  expect(env.seen.urls.filter((u) => u.includes('/api/'))).toEqual([]);

  // In the host's language too.
  expect(await openPage(page, env, ADVANCED + '?lang=es')).toBe(true);
  await expect(area.getByRole('alert')).toContainText('WebAssembly está bloqueado en esta página');
});

test('Spanish UI with ?lang=es', async ({ page }) => {
  const root = await openAdvanced(page, env, '?lang=es');
  await expect(root.getByRole('button', { name: 'Añadir fuente' })).toBeVisible();
  await expect(root.getByRole('searchbox', { name: 'Buscar por nombre o ID externo' })).toBeVisible();
  await expect(root.getByRole('button', { name: /^Nombre/ })).toBeVisible();
  await expect(root.getByRole('table', { name: 'Fuentes de leads' }).locator('thead')).toContainText('Embudo');
  await expect(root.locator('[data-quota]')).toContainText('Fuentes usadas');
  await expect(rowOf(root, DEMO.expo.ext).locator('.ksm-tag')).toHaveText('archivado');
  await expect(rowOf(root, DEMO.chat.ext).getByRole('button', { name: 'Eliminar' })).toBeVisible();
  await expect(root.getByRole('button', { name: 'Add source' })).toHaveCount(0);

  // Messages as well as labels.
  await root.getByRole('button', { name: 'Añadir fuente' }).click();
  await root.locator('tbody tr[data-k^="n"]').getByRole('button', { name: 'Crear', exact: true }).click();
  await expect(root.locator('[data-status]')).toHaveText('Corrija primero los campos marcados.');
  await expect(root.locator('tbody tr[data-k^="n"] [role="alert"]').first()).toHaveText('Obligatorio.');
});

test('Portuguese UI with ?lang=pt', async ({ page }) => {
  const root = await openAdvanced(page, env, '?lang=pt');
  await expect(root.getByRole('button', { name: 'Adicionar fonte' })).toBeVisible();
  await expect(root.getByRole('searchbox', { name: 'Buscar por nome ou ID externo' })).toBeVisible();
  await expect(root.getByRole('table', { name: 'Fontes de leads' }).locator('thead')).toContainText('Funil');
  await expect(root.locator('[data-quota]')).toContainText('Fontes usadas');
  await expect(rowOf(root, DEMO.expo.ext).locator('.ksm-tag')).toHaveText('arquivado');
  await expect(rowOf(root, DEMO.chat.ext).getByRole('button', { name: 'Excluir' })).toBeVisible();
  await expect(root.getByRole('button', { name: 'Exportar JSON' })).toBeVisible();
  await expect(root.getByRole('button', { name: 'Add source' })).toHaveCount(0);

  await rowOf(root, DEMO.calls.ext).getByRole('button', { name: 'Excluir' }).click();
  await expect(page.getByRole('dialog', { name: 'Excluir esta fonte?' })).toBeVisible();
});

test('the settings modal speaks the host language', async ({ page }) => {
  expect(await openPage(page, env, '/settings/widgets?lang=es')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Probar conexión' }).click();
  await expect(dialog.locator('[data-conn="ok"]')).toHaveText('Conectado. Fuentes de esta integración: 6');
  await expect(dialog.locator('.ksm')).toContainText('Introduzca el token de larga duración de su integración privada');
  await expect(dialog.getByRole('list', { name: 'Fuentes de leads' }).getByRole('listitem')).toHaveCount(6);
});
