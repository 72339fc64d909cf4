// The History view's render over a relay answer of 1,000 changes, for `cargo xtask bench`.
// It runs the relay build of the widget with the sandbox's own origin as its relay: the API
// calls reach the sandbox with the demo token added on the way (as the relay adds the
// account's), and the history is the relay's answer, served here, so no relay process runs
// and no 1,000 changes are made first.

export const HISTORY_CHANGES = 1000;

// Changes of three users over 40 sources: renames with a move, creates and deletes.
function changes(n, pipelines) {
  return Array.from({ length: n }, (_, i) => ({
    at: 1_700_000_000 - i * 60,
    user_id: 1 + (i % 3),
    user_name: ['Ana Admin', 'Bea Boss', 'Caio Chief'][i % 3],
    action: ['update', 'create', 'delete'][i % 3],
    source_id: 100 + (i % 40),
    external_id: 'bench-' + (i % 40),
    before: i % 3 === 1 ? null : { name: 'Source ' + i, pipeline_id: pipelines[0], default: false, origin_code: null, services: null },
    after: i % 3 === 2 ? null : { name: 'Source ' + i + ' renamed', pipeline_id: pipelines[1], default: false, origin_code: null, services: null },
    status: 200,
  }));
}

// `runs` opens of the advanced page in the relay build `script`, each timing the list (from
// navigation start) and then the History view: from the click on "Show history" to the last
// entry in the DOM, and from the end of the relay's answer to it.
export async function historyTimes(browser, { url, path, container, script, token, pipelines, runs, timeout }) {
  const body = JSON.stringify({ changes: changes(HISTORY_CHANGES, pipelines), next: null });
  const out = { changes: HISTORY_CHANGES, list_ms: [], history_ms: [], render_ms: [] };
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await ctx.newPage();
      await page.route(/\/widgets\/sources_manager\/script\.js(\?.*)?$/, (r) =>
        r.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: script }));
      await page.route('**/__sandbox/host/x-auth-token', (r) =>
        r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ token: 'bench' }) }));
      await page.route('**/api/v4/**', (r) =>
        r.continue({ headers: { ...r.request().headers(), authorization: 'Bearer ' + token } }));
      await page.route('**/relay/history**', (r) =>
        r.fulfill({ status: 200, contentType: 'application/json', body }));
      await page.goto(url + path);
      const list = await page.waitForFunction((c) => {
        const a = document.querySelector(c);
        return !!a && a.querySelectorAll('tbody tr[data-k^="s"]').length > 0 && performance.now();
      }, container, { timeout, polling: 'raf' });
      out.list_ms.push(await list.jsonValue());
      const show = page.locator(container + ' section[data-history] button', { hasText: 'Show history' });
      await show.waitFor({ timeout });
      const t = await show.evaluate(async (b, n) => {
        const t0 = performance.now();
        b.click();
        for (;;) {
          await new Promise((r) => requestAnimationFrame(r));
          if (document.querySelectorAll('section[data-history] li[data-hist-entry]').length >= n) break;
          if (performance.now() - t0 > 30_000) throw new Error('the history showed no ' + n + ' entries in 30 s');
        }
        const done = performance.now();
        const answer = performance.getEntriesByType('resource')
          .find((e) => new URL(e.name).pathname.endsWith('/relay/history'));
        return { history: done - t0, render: answer ? done - answer.responseEnd : null };
      }, HISTORY_CHANGES);
      out.history_ms.push(t.history);
      if (t.render !== null) out.render_ms.push(t.render);
    } finally {
      await ctx.close();
    }
  }
  return out;
}
