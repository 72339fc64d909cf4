// The History section: in the relay build, changes made through the relay are listed with
// who and when, a deleted source comes back with Restore and an edit is undone with Revert
// (asking first when the source changed again since); the direct build says in one line
// that history needs the relay.
import AxeBuilder from '@axe-core/playwright';
import { expect, Locator, Page, test } from '@playwright/test';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './fixtures/sandbox';
import { DEMO, openAdvanced, PIPELINES, relayMode, rowOf, serverSources, status, useWidgetSandbox } from './fixtures/widget';

const env = useWidgetSandbox();

/** The History section of the advanced page. */
function history(root: Locator): Locator {
  return root.locator('section[data-history]');
}

/** Its entries, newest first. */
function entries(root: Locator): Locator {
  return history(root).locator('li[data-hist-entry]');
}

/** Renames the source `ext` from its row and waits for the save. */
async function rename(root: Locator, ext: string, name: string) {
  const row = rowOf(root, ext);
  await row.getByRole('textbox', { name: /^Name/ }).fill(name);
  await row.getByRole('button', { name: /^Save/ }).click();
  await expect(row.getByRole('button', { name: /^Save/ })).toHaveCount(0);
}

/** The name the server has for the source `ext`. */
async function nameOnServer(request: import('@playwright/test').APIRequestContext, ext: string) {
  return (await serverSources(request, env)).find((s) => s.external_id === ext)?.name;
}

/** The serious and critical violations axe finds in the widget's area. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include('#work-area-sources_manager').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
}

/** Opens the whole history from the section's own button. */
async function showHistory(root: Locator) {
  await history(root).getByRole('button', { name: 'Show history' }).click();
  await expect(history(root).getByRole('button', { name: 'Refresh history' })).toBeEnabled();
}

test('direct mode: the History section says in one line that it needs the relay', async ({ page }) => {
  test.skip(relayMode(), 'runs in the direct project only');
  const root = await openAdvanced(page, env);
  const sec = history(root);
  await expect(sec.getByRole('heading', { name: 'History' })).toBeVisible();
  await expect(sec.locator('[data-hist-relay]')).toHaveText(
    "History needs the relay: only changes made through the integration's relay are recorded.",
  );
  await expect(sec.getByRole('button')).toHaveCount(0);
  await expect(root.locator('[data-a="hist"]')).toHaveCount(0);
});

test.describe('relay', () => {
  test.beforeEach(() => {
    test.skip(!relayMode(), 'runs in the relay project only');
  });

  test("a row's History opens that source's changes, with who, when and the fields before → after", async ({ page }) => {
    const root = await openAdvanced(page, env);
    await rename(root, DEMO.calls.ext, 'Calls, new name');
    const open = rowOf(root, DEMO.calls.ext).getByRole('button', { name: 'History Calls, new name' });
    await open.focus();
    await page.keyboard.press('Enter');
    await expect(history(root).getByRole('heading', { name: 'History' })).toBeFocused();
    const first = entries(root).first();
    await expect(first).toHaveAttribute('data-hist-entry', 'update');
    await expect(first).toContainText(`Ana Admin · `);
    await expect(first).toContainText(`changed Calls, new name ${DEMO.calls.ext}`);
    await expect(first.locator('[data-part="name"]')).toHaveText(`Name: “${DEMO.calls.name}” → “Calls, new name”`);
    await expect(first.locator('time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    // Only this source's changes.
    for (const e of await entries(root).all()) await expect(e).toContainText(DEMO.calls.ext);
  });

  test('a deleted source comes back with Restore; a second Restore says its external id is taken', async ({ page, request }) => {
    await page.clock.install();
    const root = await openAdvanced(page, env);
    await showHistory(root);
    const was = (await serverSources(request, env)).find((s) => s.external_id === DEMO.calls.ext);

    await rowOf(root, DEMO.calls.ext).getByRole('button', { name: `Delete ${DEMO.calls.name}` }).click();
    await page.getByRole('dialog', { name: 'Delete this source?' }).getByRole('button', { name: /^Delete/ }).click();
    await page.clock.runFor(5_000);
    await expect(status(root)).toHaveText('1 source deleted.');
    await expect(rowOf(root, DEMO.calls.ext)).toHaveCount(0);

    // The open history follows: the deletion is on top, with what was deleted.
    const deletion = entries(root).first();
    await expect(deletion).toHaveAttribute('data-hist-entry', 'delete');
    await expect(deletion).toContainText(`deleted ${DEMO.calls.name} ${DEMO.calls.ext}`);
    await expect(deletion).toContainText(`Name: “${DEMO.calls.name}”`);
    await deletion.getByRole('button', { name: `Restore ${DEMO.calls.name}` }).click();
    await expect(status(root)).toHaveText('Source restored.');
    await expect(rowOf(root, DEMO.calls.ext)).toHaveCount(1);
    const back = (await serverSources(request, env)).find((s) => s.external_id === DEMO.calls.ext);
    expect([back?.name, back?.pipeline_id]).toEqual([was.name, was.pipeline_id]);
    await expect(entries(root).first()).toHaveAttribute('data-hist-entry', 'create');
    await expect(history(root).getByRole('heading', { name: 'History' })).toBeFocused();

    // The same deletion again: the external id is taken by the restored source now.
    const again = history(root).locator('li[data-hist-entry="delete"]').first();
    await again.getByRole('button', { name: `Restore ${DEMO.calls.name}` }).click();
    await expect(again.locator('[data-hist-note]')).toHaveText('Cannot restore: another source has this external ID now.');
    expect((await serverSources(request, env)).filter((s) => s.external_id === DEMO.calls.ext)).toHaveLength(1);
  });

  test('Revert puts back just the fields an edit changed', async ({ page, request }) => {
    const root = await openAdvanced(page, env);
    await showHistory(root);
    await rename(root, DEMO.calls.ext, 'Calls A');
    const edit = entries(root).first();
    await expect(edit).toContainText('changed Calls A');
    await edit.getByRole('button', { name: 'Revert Calls A' }).click();
    await expect(status(root)).toHaveText('Change reverted.');
    await expect(rowOf(root, DEMO.calls.ext).getByRole('textbox', { name: /^Name/ })).toHaveValue(DEMO.calls.name);
    expect(await nameOnServer(request, DEMO.calls.ext)).toBe(DEMO.calls.name);
    await expect(entries(root).first().locator('[data-part="name"]')).toHaveText(`Name: “Calls A” → “${DEMO.calls.name}”`);
  });

  test('a source changed again since shows its current values and asks before reverting', async ({ page, request }) => {
    const root = await openAdvanced(page, env);
    await showHistory(root);
    await rename(root, DEMO.calls.ext, 'Calls A');
    await rename(root, DEMO.calls.ext, 'Calls B');
    const older = history(root).locator('li[data-hist-entry="update"]').nth(1);
    await expect(older).toContainText('changed Calls A');
    const revert = older.getByRole('button', { name: 'Revert Calls A' });
    await revert.click();
    const dialog = page.getByRole('dialog', { name: 'This source changed again since: Calls B' });
    await expect(dialog).toContainText(`Name: “Calls B” (now) → “${DEMO.calls.name}” (after revert)`);
    await expect(dialog.getByRole('button', { name: 'Revert anyway' })).toBeFocused();
    // Cancel: nothing changes, and focus is back on the entry's Revert.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(revert).toBeFocused();
    expect(await nameOnServer(request, DEMO.calls.ext)).toBe('Calls B');

    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('button', { name: 'Revert anyway' })).toBeFocused();
    // The open history and its question, scanned by axe as the rest of the page is.
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await expect(status(root)).toHaveText('Change reverted.');
    expect(await nameOnServer(request, DEMO.calls.ext)).toBe(DEMO.calls.name);
  });
});

test.describe('relay, moves and pages', () => {
  test.beforeEach(() => {
    test.skip(!relayMode(), 'runs in the relay project only');
  });

  test('a move names both pipelines and WhatsApp pages say which changed; screenshot for the README', async ({ page }) => {
    await page.clock.install();
    await page.setViewportSize({ width: 1280, height: 1000 });
    const root = await openAdvanced(page, env);
    await showHistory(root);
    const row = rowOf(root, DEMO.wa.ext);
    await row.getByRole('combobox', { name: /^Pipeline/ }).selectOption(String(PIPELINES.partners.id));
    await row.getByRole('button', { name: /^Save/ }).click();
    await expect(row.getByRole('button', { name: /^Save/ })).toHaveCount(0);
    const move = entries(root).first();
    await expect(move.locator('[data-part="pipeline"]')).toHaveText(`Pipeline: ${PIPELINES.sales.name} → ${PIPELINES.partners.name}`);

    await row.getByRole('button', { name: /^Pages/ }).click();
    await root.getByRole('textbox', { name: 'Phone number' }).first().fill('+5511988887777');
    await row.getByRole('button', { name: /^Save/ }).click();
    await expect(row.getByRole('button', { name: /^Save/ })).toHaveCount(0);
    const pages = entries(root).first().locator('[data-part="services"]');
    await expect(pages).toContainText('Pages changed:');
    await expect(pages).toContainText('(+5511988887777)');
    await row.getByRole('button', { name: /^Pages/ }).click();

    // Two more kinds of entry for the picture: a rename and a deletion.
    await rename(root, DEMO.calls.ext, 'Phone calls (main line)');
    await rowOf(root, DEMO.expo.ext).getByRole('button', { name: `Delete ${DEMO.expo.name}` }).click();
    await page.getByRole('dialog', { name: 'Delete this source?' }).getByRole('button', { name: /^Delete/ }).click();
    await page.clock.runFor(5_000);
    await expect(entries(root).first()).toHaveAttribute('data-hist-entry', 'delete');

    // The four newest entries, from the section's top; the page is scrolled to its top so
    // that the sticky status line stays out of the picture.
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    const top = await history(root).boundingBox();
    const last = await entries(root).nth(3).boundingBox();
    const file = path.join(ROOT, 'docs', 'history.png');
    await page.screenshot({
      path: file,
      fullPage: true,
      clip: { x: top!.x, y: top!.y, width: top!.width, height: last!.y + last!.height - top!.y + 8 },
    });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });
});

test.describe('relay, a long history', () => {
  test.beforeEach(() => {
    test.skip(!relayMode(), 'runs in the relay project only');
  });

  test('Load more reads the next page through the cursor, 100 to a page, and the user filter asks the relay', async ({ page }) => {
    const origin = new URL(env.sb.url).origin;
    const entry = (i: number, user: number) => ({
      at: 1_700_000_000 - i * 60,
      user_id: user,
      user_name: user === 1 ? 'Ana Admin' : 'Bea Boss',
      action: 'update',
      source_id: 100,
      external_id: 'paged',
      before: { name: `Name ${i + 1}`, pipeline_id: PIPELINES.sales.id, default: false, origin_code: null, services: null },
      after: { name: `Name ${i}`, pipeline_id: PIPELINES.sales.id, default: false, origin_code: null, services: null },
      status: 200,
    });
    const asked: URLSearchParams[] = [];
    await page.route(`${env.relay}/relay/history**`, (route) => {
      const q = new URL(route.request().url()).searchParams;
      asked.push(q);
      const changes = q.get('cursor') === 'page-2' ? [entry(2, 2)] : [entry(0, 1), entry(1, 2)];
      const next = q.get('cursor') === 'page-2' || q.get('user_id') ? null : 'page-2';
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': origin, 'Cache-Control': 'no-store' },
        body: JSON.stringify({ changes: q.get('user_id') ? [entry(1, 2)] : changes, next }),
      });
    });
    const root = await openAdvanced(page, env);
    await showHistory(root);
    await expect(entries(root)).toHaveCount(2);
    const more = history(root).getByRole('button', { name: 'Load more' });
    await more.click();
    await expect(entries(root)).toHaveCount(3);
    await expect(entries(root).nth(2)).toContainText('Bea Boss');
    await expect(more).toHaveCount(0);
    expect(asked.map((q) => [q.get('limit'), q.get('cursor')])).toEqual([['100', null], ['100', 'page-2']]);

    await history(root).getByRole('combobox', { name: 'User' }).selectOption({ label: 'Bea Boss' });
    await expect(entries(root)).toHaveCount(1);
    expect(asked[2].get('user_id')).toBe('2');
  });

  test('1,000 entries render, each with who and what', async ({ page }) => {
    const origin = new URL(env.sb.url).origin;
    // The relay's own answer, 1,000 changes long (ten full pages in one); `cargo xtask bench`
    // times this render beside the list's.
    const changes = Array.from({ length: 1000 }, (_, i) => ({
      at: 1_700_000_000 - i * 60,
      user_id: 1 + (i % 3),
      user_name: ['Ana Admin', 'Bea Boss', 'Caio Chief'][i % 3],
      action: ['update', 'create', 'delete'][i % 3],
      source_id: 100 + (i % 40),
      external_id: `bench-${i % 40}`,
      before: i % 3 === 1 ? null : { name: `Source ${i}`, pipeline_id: PIPELINES.sales.id, default: false, origin_code: null, services: null },
      after: i % 3 === 2 ? null : { name: `Source ${i} renamed`, pipeline_id: PIPELINES.partners.id, default: false, origin_code: null, services: null },
      status: 200,
    }));
    const body = JSON.stringify({ changes, next: null });
    await page.route(`${env.relay}/relay/history**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': origin, 'Cache-Control': 'no-store' },
        body,
      }),
    );
    const root = await openAdvanced(page, env);
    await history(root).getByRole('button', { name: 'Show history' }).click();
    await expect(entries(root)).toHaveCount(1000);
    await expect(entries(root).first()).toContainText('Ana Admin');
    await expect(entries(root).last()).toContainText('Ana Admin');
    await expect(entries(root).nth(998)).toContainText('Caio Chief');
  });
});
