// Browser half of `cargo xtask bench`: drives headless Chromium against a running sandbox that
// already holds the benchmark's sources, and writes the raw measurements as JSON.
//
//   node tests/bench/bench.mjs --url http://127.0.0.1:PORT --out target/bench/browser.json
//        [--runs 15] [--rows 50] [--actions no]   (no actions: no cold open over the link either)
//        [--relay-script PATH --token T --pipelines ID,ID]   (the History view over 1,000 changes)
//
// (also BENCH_URL, BENCH_OUT, BENCH_RUNS, CHROMIUM_PATH). Aggregation and budgets are the xtask's
// job; this file only measures. Progress goes to stderr.

import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyTimes } from './history.mjs';
import { instrument, startRecording, stopRecording, summarize, timings } from './page.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ARGS = parseArgs(process.argv.slice(2));
const URL_BASE = (ARGS.url || process.env.BENCH_URL || '').replace(/\/+$/, '');
const OUT = ARGS.out || process.env.BENCH_OUT || 'target/bench/browser.json';
const RUNS = Number(ARGS.runs || process.env.BENCH_RUNS || 15);
const ACTIONS = (ARGS.actions || 'yes') !== 'no';
// The relay build's script.js, for the History view's figure; none: not measured.
const RELAY_SCRIPT = ARGS['relay-script'] ? readFileSync(ARGS['relay-script'], 'utf8') : null;
const HISTORY_RUNS = 5;
// The cold open over an emulated link is timed once per row count, with the actions.
const LINKED = ACTIONS;
const EXPECTED_ROWS = Number(ARGS.rows || process.env.BENCH_ROWS || 50);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

const CODE = 'sources_manager';
const PAGE = '/settings/widgets/' + CODE + '/advanced';
const CONTAINER = '#work-area-' + CODE;
// A saved source's row: the widget keys rows with data-k ("s<id>" saved, "n<n>" new drafts) and
// gives the WhatsApp pages row under a source the class ksm-wa. The baseline uses the same hooks.
const ROW = 'tbody tr[data-k]:not(.ksm-wa)';
const SAVED_ROW = 'tbody tr[data-k^="s"]:not(.ksm-wa)';
const SOURCES_PATH = '/api/v4/sources';
const STEP_TIMEOUT = 30_000;
// The Traffic view is timed over this many leads, spread over the first sources.
const TRAFFIC_LEADS = 1000;
const TRAFFIC_SOURCES = 4;
const TRAFFIC_RUNS = 5;
// The link a Kommo account's browser has to Kommo's servers, for the cold open over a link:
// 10 Mbit/s down, 5 up, 40 ms of latency (Chromium's network conditions, bytes per second).
const LINK = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8 };

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error('unexpected argument ' + argv[i]);
    out[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
  }
  return out;
}

function say(msg) {
  process.stderr.write('bench: ' + msg + '\n');
}

// How much markup the rows are once the pipelines are in too, so the two renderers can be seen
// to build alike.
async function rowElements(page) {
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .some((e) => new URL(e.name).pathname === '/api/v4/leads/pipelines'), null, { timeout: STEP_TIMEOUT });
  await page.waitForTimeout(100);
  return page.evaluate(() => [...document.querySelectorAll(window.__bench.rowSelector)]
    .reduce((n, tr) => n + 1 + tr.querySelectorAll('*').length, 0));
}

async function newContext(browser) {
  return browser.newContext({ viewport: { width: 1280, height: 900 } });
}

// Opens the advanced page in `page` and waits for the rows; returns the page's timings.
async function open(page) {
  await page.goto(URL_BASE + PAGE);
  // Rows, or the loader's own error box: either ends the wait.
  const ok = await page.waitForFunction((c) => (window.__bench && window.__bench.rowsAt !== null) ||
    !!document.querySelector(c + ' .ksm-error'), CONTAINER, { timeout: STEP_TIMEOUT }).then(() => true, () => false);
  if (!ok || (await page.evaluate(() => window.__bench.rowsAt === null))) {
    throw new Error('no ' + EXPECTED_ROWS + ' rows; the page shows: ' + (await shown(page)));
  }
  // The resource entry of the sources response is written when its body is complete.
  const t = await page.evaluate(timings, SOURCES_PATH);
  if (t.script_eval === null || t.sources_response_end === null) {
    throw new Error('missing timing marks: ' + JSON.stringify(t));
  }
  return t;
}

// One cold page load (fresh context: empty cache) of the advanced page with `script` served as
// the widget's script.js, then a warm one in the same context (its HTTP cache holds what the
// first load fetched; the sandbox revalidates with ETags). Both renderers go through the same
// interception, so neither pays more. Open → rows is measured from navigation start.
async function loadOnce(browser, script) {
  const ctx = await newContext(browser);
  try {
    const page = await prepared(ctx, script);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    const t = await open(page);
    // Where the main thread's time went during the open: running script (ours, the glue's,
    // the wasm's) apart from style and layout.
    const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
    const out = {
      script_ms: m.ScriptDuration * 1000,
      layout_ms: (m.LayoutDuration + m.RecalcStyleDuration) * 1000,
      script_to_list_ms: t.rows_at - t.script_eval,
      render_ms: t.rows_at - t.sources_response_end,
      open_cold_ms: t.rows_at,
      // Not a figure of the report: how much later than the sources the pipelines came in
      // (the widget's list waits for both, the baseline fills its pickers in afterwards).
      pipelines_lag_ms: t.pipelines_response_end === null ? null : t.pipelines_response_end - t.sources_response_end,
      row_elements: await rowElements(page),
    };
    out.open_warm_ms = (await open(page)).rows_at;
    return out;
  } finally {
    await ctx.close();
  }
}

// A page of a fresh context with `script` served as the widget's script.js and the timing marks
// installed.
async function prepared(ctx, script) {
  const page = await ctx.newPage();
  await page.addInitScript(instrument, { container: CONTAINER, row: ROW, expected: EXPECTED_ROWS });
  await page.route(/\/widgets\/sources_manager\/script\.js(\?.*)?$/, (route) =>
    route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: script }));
  return page;
}

// One cold open over the emulated LINK (empty cache), navigation start → rows; the sandbox
// sends the widget's files as `encoding` says (identity or gzip: Kommo's docs do not say).
async function loadOverLink(browser, script, encoding) {
  await post('/__sandbox/host', { encoding });
  const ctx = await newContext(browser);
  try {
    const page = await prepared(ctx, script);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', LINK);
    return (await open(page)).rows_at;
  } finally {
    await ctx.close();
    await post('/__sandbox/host', { encoding: 'identity' });
  }
}

// What the container and the host say, for an error message when the rows never came.
async function shown(page) {
  return page.evaluate((c) => {
    const area = document.querySelector(c);
    const host = (window.__host && window.__host.errors) || [];
    const text = area ? area.innerText.trim().replace(/\s+/g, ' ').slice(0, 200) : 'no container';
    return JSON.stringify(text) + (host.length ? '; host errors: ' + host.join(' | ') : '');
  }, CONTAINER).catch((e) => 'nothing readable (' + firstLine(e) + ')');
}

function firstLine(e) {
  return (e && e.message ? e.message : String(e)).split('\n')[0];
}

async function api(method, path) {
  const res = await fetch(URL_BASE + path, { method });
  if (!res.ok) throw new Error(method + ' ' + path + ' answered ' + res.status);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

async function post(path, data) {
  const res = await fetch(URL_BASE + path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data),
  });
  if (!res.ok) throw new Error('POST ' + path + ' answered ' + res.status + ': ' + (await res.text()));
  return res.json();
}

const resetCounters = () => api('DELETE', '/__sandbox/counters');
const counters = () => api('GET', '/__sandbox/counters');

function sum(obj) {
  return Object.values(obj).reduce((a, b) => a + b, 0);
}

// Waits until no request is in flight for `quietMs`, as seen by the sandbox's counters and the
// widget's busy markers, so a late re-render or retry is counted with the action that caused it.
async function settle(page, quietMs = 400) {
  let last = JSON.stringify(await counters());
  let stableSince = Date.now();
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    await page.waitForTimeout(100);
    const now = JSON.stringify(await counters());
    const busy = await page.evaluate((c) => !!document.querySelector(c + ' [aria-busy="true"], ' + c + ' tr.ksm-busy'), CONTAINER);
    if (now !== last || busy) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return;
    }
  }
  throw new Error('the widget did not settle within ' + STEP_TIMEOUT + ' ms');
}

async function rowKeys(page) {
  return page.$$eval(CONTAINER + ' ' + SAVED_ROW, (trs) => trs.map((t) => t.getAttribute('data-k')));
}

// Load, unchanged refresh, edit, delete, create: mutations on the widget and the requests each
// action sent, from one page as a user would do them.
async function actions(browser) {
  const out = { requests: {}, mutations: {}, errors: [], traffic: null };
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const step = async (name, fn) => {
    say('action: ' + name);
    try {
      await fn();
    } catch (e) {
      out.errors.push(name + ': ' + firstLine(e));
    }
  };
  try {
    await step('load', async () => {
      await resetCounters();
      await page.goto(URL_BASE + PAGE);
      await page.waitForFunction(({ c, r, n }) => {
        const a = document.querySelector(c);
        return a && a.querySelectorAll(r).length >= n;
      }, { c: CONTAINER, r: ROW, n: EXPECTED_ROWS }, { timeout: STEP_TIMEOUT });
      await settle(page);
      out.requests.load = await counters();
    });

    await step('unchanged refresh', async () => {
      const refresh = page.locator(CONTAINER + ' [data-a=refresh]');
      await refresh.waitFor({ timeout: STEP_TIMEOUT });
      await page.evaluate(startRecording, CONTAINER);
      await resetCounters();
      await refresh.click();
      await waitForCount(page, 'GET ' + SOURCES_PATH, 1);
      await settle(page);
      out.requests.refresh = await counters();
      out.mutations.refresh = summarize(await page.evaluate(stopRecording));
    });

    let keys = await rowKeys(page).catch(() => []);
    const editKey = keys[Math.min(9, keys.length - 1)];
    await step('edit one row', async () => {
      if (!editKey) throw new Error('no saved row to edit');
      const tr = page.locator(CONTAINER + ' tr[data-k="' + editKey + '"]');
      const name = tr.locator('[data-a=name]');
      await page.evaluate(startRecording, CONTAINER);
      await resetCounters();
      await name.fill('Bench source edited');
      await name.press('Enter');
      await waitForCount(page, null, 1);
      await settle(page);
      out.requests.edit = await counters();
      out.mutations.edit = summarize(await page.evaluate(stopRecording), editKey);
      const shown = await name.inputValue();
      if (shown !== 'Bench source edited') throw new Error('the edited name did not stay: ' + shown);
    });

    keys = await rowKeys(page).catch(() => []);
    const delKey = keys.find((k) => k !== editKey && k !== keys[0]);
    await step('delete one row', async () => {
      if (!delKey) throw new Error('no saved row to delete');
      const tr = page.locator(CONTAINER + ' tr[data-k="' + delKey + '"]');
      await page.evaluate(startRecording, CONTAINER);
      await resetCounters();
      await tr.locator('[data-a=del]').click();
      await page.locator(CONTAINER + ' [data-a=confirm]').click();
      // The widget waits out its undo delay before it sends the DELETE.
      await tr.waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
      await waitForCount(page, null, 1);
      await settle(page);
      out.requests.delete = await counters();
      out.mutations.delete = summarize(await page.evaluate(stopRecording), delKey);
    });

    await step('create one source', async () => {
      const before = (await rowKeys(page)).length;
      await resetCounters();
      await page.locator(CONTAINER + ' [data-a=add]').click();
      const draft = page.locator(CONTAINER + ' tr[data-k^="n"]').last();
      await draft.locator('[data-a=name]').fill('Bench source created');
      await draft.locator('[data-a=ext]').fill('bench-created');
      await draft.locator('[data-a=name]').press('Enter');
      await page.waitForFunction(({ c, r, n }) => document.querySelector(c).querySelectorAll(r).length > n,
        { c: CONTAINER, r: SAVED_ROW, n: before }, { timeout: STEP_TIMEOUT });
      await settle(page);
      out.requests.create = await counters();
    });

    await step('traffic over ' + TRAFFIC_LEADS + ' leads', async () => {
      const ids = (await rowKeys(page)).slice(0, TRAFFIC_SOURCES).map((k) => Number(k.slice(1)));
      await api('DELETE', '/__sandbox/leads');
      for (const id of ids) {
        await post('/__sandbox/leads', { count: TRAFFIC_LEADS / ids.length, days: 28, source_id: id });
      }
      out.traffic = { leads: TRAFFIC_LEADS, list_ms: [], traffic_ms: [], requests: null };
      for (let i = 0; i < TRAFFIC_RUNS; i++) {
        await resetCounters();
        await page.goto(URL_BASE + PAGE);
        // Both moments as the page saw them, from navigation start.
        const list = await page.waitForFunction(({ c, r, n }) => {
          const a = document.querySelector(c);
          return a && a.querySelectorAll(r).length >= n && performance.now();
        }, { c: CONTAINER, r: SAVED_ROW, n: 1 }, { timeout: STEP_TIMEOUT, polling: 'raf' });
        const ready = await page.waitForFunction((c) => !!document.querySelector(c + ' section[data-traffic="ready"]') && performance.now(),
          CONTAINER, { timeout: STEP_TIMEOUT, polling: 'raf' });
        out.traffic.list_ms.push(await list.jsonValue());
        out.traffic.traffic_ms.push(await ready.jsonValue());
        await settle(page);
        out.traffic.requests = await counters();
      }
    });
  } finally {
    out.page_errors = pageErrors;
    await ctx.close();
  }
  return out;
}

// Waits until the sandbox counted `n` requests on `route` (any route when null).
async function waitForCount(page, route, n) {
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    const c = await counters();
    const got = route ? c[route] || 0 : sum(c);
    if (got >= n) return;
    await page.waitForTimeout(50);
  }
  throw new Error('waited in vain for ' + n + ' request(s) on ' + (route || 'any route'));
}

// The series one renderer's loads fill.
function timed() {
  const series = ['script_to_list_ms', 'render_ms', 'open_cold_ms', 'open_warm_ms', 'open_link_ms', 'open_link_gzip_ms', 'script_ms', 'layout_ms', 'pipelines_lag_ms'];
  return { ...Object.fromEntries(series.map((s) => [s, []])), row_elements: null };
}

async function main() {
  if (!URL_BASE) throw new Error('no sandbox address: pass --url http://127.0.0.1:PORT');
  const served = await fetch(URL_BASE + '/widgets/' + CODE + '/script.js');
  if (!served.ok) throw new Error('the sandbox serves no widget script.js (' + served.status + ')');
  const scripts = {
    widget: await served.text(),
    baseline: readFileSync(join(HERE, 'baseline.js'), 'utf8'),
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  const result = {
    runs: RUNS,
    rows: EXPECTED_ROWS,
    chromium: browser.version(),
    widget: timed(),
    baseline: timed(),
    errors: [],
  };
  try {
    // A renderer that cannot load once is not timed again: its error is the result.
    const broken = {};
    for (const baseline of [false, true]) {
      const name = baseline ? 'baseline' : 'widget';
      say('warming up the ' + name + ' (one load, not counted)');
      try {
        await loadOnce(browser, scripts[name]);
      } catch (e) {
        broken[name] = true;
        result.errors.push(name + ' load: ' + firstLine(e));
      }
    }
    for (let i = 0; i < RUNS && !(broken.widget && broken.baseline); i++) {
      // Alternate which goes first so drift in machine load falls on both alike.
      for (const baseline of i % 2 === 0 ? [false, true] : [true, false]) {
        const name = baseline ? 'baseline' : 'widget';
        if (broken[name]) continue;
        try {
          const r = await loadOnce(browser, scripts[name]);
          result[name].script_to_list_ms.push(r.script_to_list_ms);
          result[name].render_ms.push(r.render_ms);
          result[name].open_cold_ms.push(r.open_cold_ms);
          result[name].open_warm_ms.push(r.open_warm_ms);
          result[name].script_ms.push(r.script_ms);
          result[name].layout_ms.push(r.layout_ms);
          if (LINKED) {
            result[name].open_link_ms.push(await loadOverLink(browser, scripts[name], 'identity'));
            result[name].open_link_gzip_ms.push(await loadOverLink(browser, scripts[name], 'gzip'));
          }
          result[name].pipelines_lag_ms.push(r.pipelines_lag_ms);
          result[name].row_elements = r.row_elements;
        } catch (e) {
          broken[name] = true;
          result.errors.push(name + ' load run ' + (i + 1) + ': ' + firstLine(e));
        }
      }
      say('load run ' + (i + 1) + '/' + RUNS + ' done');
    }
    if (!ACTIONS) {
      say('actions not asked for');
    } else if (broken.widget) {
      result.errors.push('actions: not run, the widget does not load');
    } else {
      const a = await actions(browser);
      result.requests = a.requests;
      result.traffic = a.traffic;
      result.mutations = a.mutations;
      result.page_errors = a.page_errors;
      result.errors.push(...a.errors);
      if (RELAY_SCRIPT) {
        say('the History view over a relay answer of 1,000 changes');
        result.history = await historyTimes(browser, {
          url: URL_BASE, path: PAGE, container: CONTAINER, script: RELAY_SCRIPT, token: ARGS.token,
          pipelines: String(ARGS.pipelines || '').split(',').map(Number), runs: HISTORY_RUNS, timeout: STEP_TIMEOUT,
        }).catch((e) => { result.errors.push('history: ' + firstLine(e)); return null; });
      }
    }
  } finally {
    await browser.close();
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  say('wrote ' + OUT);
}

// A hung browser must not hang the command.
const guard = setTimeout(() => {
  say('gave up after 15 minutes');
  process.exit(3);
}, 15 * 60_000);
guard.unref();

main().catch((e) => {
  say('failed: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
