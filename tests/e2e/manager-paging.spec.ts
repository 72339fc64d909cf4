// The source limit as the server has it: a list longer than one page is read to its end
// through `_links.next`, a raised limit lets the UI create more, and a server that refuses
// more than the widget's limit says so in its own words on the create form.
import { expect, test, APIRequestContext } from '@playwright/test';
import {
  draftRows, openAdvanced, rowOf, sent, serverSources, useWidgetSandbox, WidgetEnv, zeroCounters,
} from './fixtures/widget';

/** Adds `n` sources straight on the server, 50 to a request as the API allows. */
async function fill(request: APIRequestContext, env: WidgetEnv, n: number): Promise<void> {
  for (let start = 0; start < n; start += 50) {
    const items = Array.from({ length: Math.min(50, n - start) }, (_, i) => ({
      name: `Filler ${start + i}`, external_id: `filler-${String(start + i).padStart(3, '0')}`,
    }));
    const made = await request.post(`${env.sb.url}/api/v4/sources`, {
      headers: { Authorization: `Bearer ${env.token}` }, data: items,
    });
    expect(made.status()).toBe(200);
  }
}

/** Sets the widget's `limit` setting as an admin would in its settings. */
async function setLimit(request: APIRequestContext, env: WidgetEnv, limit: string): Promise<void> {
  expect((await request.post(`${env.sb.url}/__sandbox/host/settings`, { data: { limit } })).ok()).toBe(true);
}

test.describe('a server that allows 100 sources, 50 to a page', () => {
  const env = useWidgetSandbox({ extraArgs: ['--max-sources', '100'] });

  test('a list of two pages shows every source and counts them against the limit', async ({ page, request }) => {
    await fill(request, env, 54);
    await setLimit(request, env, '100');
    await zeroCounters(request, env.sb);
    const root = await openAdvanced(page, env);
    await expect(root.locator('[data-quota] strong')).toHaveText('60 / 100');
    await expect(root.locator('tbody tr[data-k^="s"]')).toHaveCount(60);
    await expect(rowOf(root, 'filler-053').getByRole('textbox', { name: 'Name' })).toHaveValue('Filler 53');
    // Both pages, each once: the second from the first's _links.next.
    expect(await sent(request, env.sb)).toEqual({ 'GET /api/v4/sources': 2, 'GET /api/v4/leads/pipelines': 1, 'GET /api/v4/leads': 1 });
  });

  test('with the limit raised to 100, the 51st source is created from the UI', async ({ page, request }) => {
    await fill(request, env, 44);
    await setLimit(request, env, '100');
    const root = await openAdvanced(page, env);
    await expect(root.locator('[data-quota] strong')).toHaveText('50 / 100');
    await zeroCounters(request, env.sb);
    await root.getByRole('button', { name: 'Add source' }).click();
    const draft = draftRows(root);
    await draft.getByRole('textbox', { name: 'Name' }).fill('Fifty-first');
    await draft.getByRole('textbox', { name: 'External ID' }).fill('fifty-first');
    await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
    await expect(rowOf(root, 'fifty-first')).toBeVisible();
    await expect(root.locator('[data-quota] strong')).toHaveText('51 / 100');
    expect(await sent(request, env.sb)).toEqual({ 'POST /api/v4/sources': 1 });
    expect((await serverSources(request, env)).length).toBe(51);
  });
});

test.describe('a server that allows 50 sources', () => {
  const env = useWidgetSandbox();

  test('a widget limit above the server\'s gets the server\'s refusal on the create form, and keeps the input', async ({ page, request }) => {
    await fill(request, env, 44);
    await setLimit(request, env, '100');
    const root = await openAdvanced(page, env);
    await expect(root.locator('[data-quota] strong')).toHaveText('50 / 100');
    await root.getByRole('button', { name: 'Add source' }).click();
    const draft = draftRows(root);
    await draft.getByRole('textbox', { name: 'Name' }).fill('Fifty-first');
    await draft.getByRole('textbox', { name: 'External ID' }).fill('fifty-first');
    await draft.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
    await expect(draft).toContainText('at most 50 sources');
    await expect(draft.getByRole('textbox', { name: 'Name' })).toHaveValue('Fifty-first');
    await expect(draft.getByRole('textbox', { name: 'External ID' })).toHaveValue('fifty-first');
    expect((await serverSources(request, env)).length).toBe(50);
  });
});
