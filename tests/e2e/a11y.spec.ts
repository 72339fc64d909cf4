// Accessibility: axe-core finds no serious or critical violation in the widget's three
// places (the advanced page, the settings modal and the Digital Pipeline panel), with a row
// in error so that field errors are scanned too.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { DEMO, openAdvanced, openPage, PIPELINES, rowOf, useWidgetSandbox } from './fixtures/widget';

const env = useWidgetSandbox();

/** The serious and critical violations axe finds in `selector`, each with its nodes. */
async function violations(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).join('; ')}`);
}

test('the advanced page, with a field in error, has no serious or critical violation', async ({ page }) => {
  const root = await openAdvanced(page, env);
  await rowOf(root, DEMO.chat.ext).getByRole('textbox', { name: 'Name' }).fill('');
  await expect(root.locator('.ksm-err').first()).toBeVisible();
  expect(await violations(page, '#work-area-sources_manager')).toEqual([]);
});

test('the settings modal has no serious or critical violation', async ({ page }) => {
  expect(await openPage(page, env, '/settings/widgets')).toBe(true);
  await page.evaluate(() => (window as any).__host.openSettings());
  const modal = page.getByRole('dialog', { name: 'Lead Sources Manager' });
  await expect(modal.getByRole('list', { name: 'Lead sources' })).toBeVisible();
  // The widget's part of it: the modal's frame and its Save button are Kommo's.
  expect(await violations(page, '[role="dialog"] .ksm')).toEqual([]);
});

test('the Digital Pipeline panel and its add form have no serious or critical violation', async ({ page }) => {
  expect(await openPage(page, env, '/digital-pipeline')).toBe(true);
  await page.evaluate((id) => (window as any).__host.addAsSource(id), PIPELINES.partners.id);
  const panel = page.getByRole('dialog', { name: `Sources in pipeline ${PIPELINES.partners.name}` });
  await expect(panel.locator('[data-traffic-line]')).toHaveCount(2);
  const offer = panel.getByRole('region');
  await offer.getByRole('textbox', { name: 'External ID' }).fill('');
  await offer.getByRole('button', { name: /^Create(?! new sources)( |$)/ }).click();
  await expect(offer.locator('.ksm-err').first()).toBeVisible();
  expect(await violations(page, '.ksm-side')).toEqual([]);
});
