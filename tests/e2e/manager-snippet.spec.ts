// The lead snippet of a source: the _embedded.source object and a whole
// POST /api/v4/leads/complex body to copy, "copied" said only when the clipboard took it,
// and a test lead sent with that body, seen in the source's pipeline and in the Traffic view.
import { expect, test } from '@playwright/test';
import {
  api, DEMO, LEAD_SHAPES, openAdvanced, PIPELINES, rowOf, seedLeads, sent, serverSources,
  sourceIdOf, trafficRow, useWidgetSandbox, zeroCounters,
} from './fixtures/widget';

for (const shape of LEAD_SHAPES) test.describe(`leads read as the ${shape} documents them`, () => {
  const env = useWidgetSandbox({ extraArgs: ['--lead-source', shape] });

  test('the snippet copies the source object and a whole complex body', async ({ page, context, request }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.sb.url });
    const root = await openAdvanced(page, env);
    await zeroCounters(request, env.sb);
    await rowOf(root, DEMO.ig.ext).getByRole('button', { name: 'Lead snippet' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('button', { name: 'Copy the object' })).toBeFocused();

    await dialog.getByRole('button', { name: 'Copy the object' }).click();
    await expect(dialog.locator('[data-copied]')).toHaveText('Copied the _embedded.source JSON.');
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())))
      .toEqual({ external_id: DEMO.ig.ext, type: 'widget' });

    await dialog.getByRole('button', { name: 'Copy the body' }).click();
    await expect(dialog.locator('[data-copied]')).toHaveText('Copied the request body.');
    const body = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(body).toEqual([{
      name: `Test lead: ${DEMO.ig.name}`,
      _embedded: { source: { external_id: DEMO.ig.ext, type: 'widget' } },
    }]);
    expect(JSON.parse(await dialog.getByLabel('A whole POST /api/v4/leads/complex body').inputValue())).toEqual(body);
    expect(await sent(request, env.sb)).toEqual({});

    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(rowOf(root, DEMO.ig.ext).getByRole('button', { name: 'Lead snippet' })).toBeFocused();
  });

  test('a clipboard that refuses gets no "copied": the text is selected to copy by hand', async ({ page }) => {
    await page.addInitScript(() => {
      Clipboard.prototype.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    });
    const root = await openAdvanced(page, env);
    await rowOf(root, DEMO.chat.ext).getByRole('button', { name: 'Lead snippet' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Copy the body' }).click();
    await expect(dialog.locator('[data-copied]')).toHaveAttribute('data-copied', 'refused');
    await expect(dialog.locator('[data-copied]')).toContainText('press Ctrl+C');
    await expect(dialog).not.toContainText('Copied');
    const area = dialog.getByLabel('A whole POST /api/v4/leads/complex body');
    await expect(area).toBeFocused();
    const selected = await area.evaluate((t: HTMLTextAreaElement) => t.value.slice(t.selectionStart, t.selectionEnd));
    expect(selected).toBe(await area.inputValue());
    expect(selected).toContain(DEMO.chat.ext);
  });

  test('a test lead goes through the body shown, lands in the source pipeline and in the Traffic view', async ({ page, request }) => {
    const sources = await serverSources(request, env);
    const partners = sources.find((s) => s.external_id === DEMO.partners.ext);
    expect(partners.pipeline_id).toBe(PIPELINES.partners.id);
    await seedLeads(request, env.sb, [{ count: 2, days: 3, source_id: partners.id }]);
    const root = await openAdvanced(page, env);
    await expect(trafficRow(root, DEMO.partners.name).locator('[data-count]')).toHaveText('2');
    await zeroCounters(request, env.sb);

    await rowOf(root, DEMO.partners.ext).getByRole('button', { name: 'Lead snippet' }).click();
    const dialog = page.getByRole('dialog');
    const shown = JSON.parse(await dialog.getByLabel('A whole POST /api/v4/leads/complex body').inputValue());
    // Before anything is sent: it is a real lead, where it lands, and that automations run.
    const warn = dialog.locator('[data-test-warn]');
    await expect(warn).toContainText('real lead in Partners › Incoming leads');
    await expect(dialog.getByRole('button', { name: 'Send a test lead' })).toHaveAccessibleDescription(/automations run/);
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/v4/leads/complex') && r.method() === 'POST');
    await dialog.getByRole('button', { name: 'Send a test lead' }).click();
    expect(JSON.parse((await posted).postData()!)).toEqual(shown);
    const note = dialog.locator('[data-test]');
    await expect(note).toContainText("It is in the source's pipeline.");
    await expect(note).toContainText(`Test lead created: Test lead: ${DEMO.partners.name} · Partners › `);
    await expect(note).toHaveAttribute('data-landed', String(PIPELINES.partners.id));
    const href = await note.locator('a').first().getAttribute('href');
    const id = Number(href!.split('/').pop());
    // Leads have no DELETE in the API: the note says to delete it from its card, linked.
    const hint = note.locator('[data-delete-hint]');
    await expect(hint).toContainText('open its card and delete it there');
    await expect(hint.getByRole('link', { name: "Open the lead's card" })).toHaveAttribute('href', `/leads/detail/${id}`);
    // One create, and one read of that lead: nothing else.
    expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/leads/complex': 1, 'GET /api/v4/leads/{id}': 1 });

    const lead = await api(request, env, 'GET', `/api/v4/leads/${id}?with=source_id,source`);
    expect(lead.body.pipeline_id).toBe(PIPELINES.partners.id);
    expect(sourceIdOf(lead.body)).toBe(partners.id);
    // Each Kommo answers only the way it documents.
    if (shape === 'reference') expect(lead.body.source).toBeUndefined();
    else expect(lead.body.source).toEqual({ id: partners.id, name: DEMO.partners.name });

    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(trafficRow(root, DEMO.partners.name).locator('[data-count]')).toHaveText('3');
    await trafficRow(root, DEMO.partners.name).getByRole('button', { name: 'Latest leads' }).click();
    await expect(root.locator(`[data-latest="s${partners.id}"] li`).first()).toHaveAttribute('data-lead', String(id));
    // A full read again finds it on the server too.
    await root.getByRole('button', { name: 'Read leads again' }).click();
    await expect(trafficRow(root, DEMO.partners.name).locator('[data-count]')).toHaveText('3');
  });
});
