// What the benchmark runs inside the pages it opens (timing marks, mutation recording) and
// how it sums the mutations up. Each page-side function is self-contained: Playwright sends
// its source to the page.

// Runs in every page before any of the page's own scripts: timestamps for "script.js evaluated"
// (the load event of its <script>, which fires right after evaluation) and "all rows present"
// (a MutationObserver that counts rows after each batch of DOM changes).
export function instrument({ container, row, expected }) {
  const b = (window.__bench = { scriptEval: null, rowsAt: null, rowSelector: container + ' ' + row });
  document.addEventListener('load', (e) => {
    const t = e.target;
    if (b.scriptEval === null && t && t.tagName === 'SCRIPT' && /\/script\.js(\?|$)/.test(t.src || '')) {
      b.scriptEval = performance.now();
      performance.mark('bench:script-evaluated');
    }
  }, true);
  const mo = new MutationObserver(() => {
    const area = document.querySelector(container);
    if (area && area.querySelectorAll(row).length >= expected) {
      b.rowsAt = performance.now();
      performance.mark('bench:rows-present');
      mo.disconnect();
    }
  });
  mo.observe(document, { childList: true, subtree: true });
}

// What the page knows once the rows are there: the marks above and the sources response's end.
export function timings(sourcesPath) {
  const b = window.__bench;
  const res = performance.getEntriesByType('resource');
  const sources = res.find((e) => new URL(e.name).pathname === sourcesPath && e.initiatorType !== 'navigation');
  const pipelines = res.find((e) => new URL(e.name).pathname === '/api/v4/leads/pipelines');
  return {
    script_eval: b.scriptEval,
    sources_response_end: sources ? sources.responseEnd : null,
    pipelines_response_end: pipelines ? pipelines.responseEnd : null,
    rows_at: b.rowsAt,
  };
}

// Mutation recording on the widget's container, classified by the row each change falls in.
export function startRecording(container) {
  const area = document.querySelector(container);
  const rec = (window.__mut = { records: [] });
  const keyOf = (n) => {
    const el = n && (n.nodeType === 1 ? n : n.parentElement);
    // Rows are never nested in anything keyed the same way, so the nearest one is the owner,
    // even when it has been removed since.
    const tr = el && el.closest ? el.closest('tr[data-k]') : null;
    return tr ? tr.getAttribute('data-k') : null;
  };
  const describe = (n) => {
    if (!n) return '?';
    if (n.nodeType === 3) return '#text';
    let d = n.tagName.toLowerCase();
    if (n.getAttribute('data-a')) d += '[data-a=' + n.getAttribute('data-a') + ']';
    else if (n.className && typeof n.className === 'string') d += '.' + n.className.trim().split(/\s+/).join('.');
    return d;
  };
  const take = (rec.take = (list) => {
    for (const m of list) {
      // A row added or removed as a whole belongs to that row; anything else to where it happened.
      const moved = [...m.addedNodes, ...m.removedNodes];
      const rowKeys = moved.filter((n) => n.nodeType === 1 && n.matches && n.matches('tr[data-k]')).map((n) => n.getAttribute('data-k'));
      const key = rowKeys.length === moved.length && rowKeys.length > 0 ? [...new Set(rowKeys)].join(',') : keyOf(m.target);
      rec.records.push({
        type: m.type,
        row: key,
        target: describe(m.target),
        attribute: m.attributeName || null,
        nodes: moved.length,
      });
    }
  });
  window.__mo = new MutationObserver(take);
  window.__mo.observe(area, { childList: true, subtree: true, attributes: true, characterData: true });
}

export function stopRecording() {
  if (window.__mo) {
    window.__mut.take(window.__mo.takeRecords());
    window.__mo.disconnect();
  }
  return window.__mut.records;
}

export function summarize(records, expectRow) {
  const rows = [...new Set(records.filter((r) => r.row).flatMap((r) => r.row.split(',')))];
  const tally = (list) => {
    const where = {};
    for (const r of list) {
      const k = r.target + (r.attribute ? ' @' + r.attribute : ' ' + r.type);
      where[k] = (where[k] || 0) + 1;
    }
    return where;
  };
  const outside = records.filter((r) => !r.row);
  const others = records.filter((r) => r.row && expectRow !== undefined && r.row !== expectRow);
  return {
    row: expectRow === undefined ? null : expectRow,
    records: records.length,
    nodes_touched: records.reduce((a, r) => a + Math.max(1, r.nodes), 0),
    in_rows: records.length - outside.length,
    rows_touched: rows,
    other_rows_touched: expectRow === undefined ? null : rows.filter((k) => k !== expectRow).length,
    other_rows_detail: tally(others),
    outside_rows: outside.length,
    outside_detail: tally(outside),
    only_that_row: expectRow === undefined ? null : rows.length === 1 && rows[0] === expectRow,
  };
}
