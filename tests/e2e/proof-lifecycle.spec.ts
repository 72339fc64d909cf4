// Lifecycle proof with the real widget (the dist bundle): 100 mount/unmount cycles of the
// settings modal and of the advanced page leave no event listener, timer, detached node or
// wasm memory behind. Figures are taken after 10 warm-up cycles (the wasm compiled, the
// allocator's free lists filled) and again after 100 more; they must not grow.
import { CDPSession, expect, Page, test } from '@playwright/test';
import { expectNoCrash } from './fixtures/proof';
import { ADVANCED, manager, openPage, useWidgetSandbox } from './fixtures/widget';

const env = useWidgetSandbox();

const WARM_UP = 10;
const CYCLES = 100;
/**
 * Growth allowed in the wasm linear memory, in bytes: one 64 KiB page. Memory only grows in
 * whole pages and is never given back, so a single page taken late by the allocator (a free
 * list settling) is granularity, not a leak; a leak of even 1 KiB per cycle would take 100 KB
 * over the 100 cycles, two pages at least.
 */
const WASM_SLACK = 65_536;

/**
 * Counts what is live in the page: event listeners by target, timers not yet fired or
 * cleared, and WeakRefs to the widget roots. Installed before any page script runs, so the
 * host, the loader and the wasm glue all go through it.
 */
function instrument(): void {
  const w = window as any;
  type Entry = { target: WeakRef<object>; type: string; fn: WeakRef<object> | null; capture: boolean };
  const listeners: Entry[] = [];
  const capture = (o: unknown) => (typeof o === 'boolean' ? o : !!(o && (o as any).capture));
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, fn: any, opts?: any) {
    const c = capture(opts);
    const same = listeners.some((e) => e.target.deref() === this && e.type === type && e.capture === c && e.fn?.deref() === fn);
    // A second identical add is ignored by the DOM, so it is not counted either.
    if (fn && !same) listeners.push({ target: new WeakRef(this), type, fn: typeof fn === 'object' || typeof fn === 'function' ? new WeakRef(fn) : null, capture: c });
    return add.call(this, type, fn, opts);
  } as typeof add;
  EventTarget.prototype.removeEventListener = function (this: EventTarget, type: string, fn: any, opts?: any) {
    const c = capture(opts);
    const i = listeners.findIndex((e) => e.target.deref() === this && e.type === type && e.capture === c && e.fn?.deref() === fn);
    if (i >= 0) listeners.splice(i, 1);
    return remove.call(this, type, fn, opts);
  } as typeof remove;

  const timers = new Map<number, string>();
  const realSetTimeout = window.setTimeout.bind(window);
  const realClearTimeout = window.clearTimeout.bind(window);
  const realSetInterval = window.setInterval.bind(window);
  const realClearInterval = window.clearInterval.bind(window);
  w.setTimeout = (fn: any, ms?: number, ...args: any[]) => {
    const id = realSetTimeout((...a: any[]) => {
      timers.delete(id);
      if (typeof fn === 'function') fn(...a);
    }, ms, ...args);
    timers.set(id, `timeout ${ms} ms from ${new Error().stack?.split('\n').slice(2, 5).join(' | ')}`);
    return id;
  };
  w.clearTimeout = (id?: number) => { if (id != null) timers.delete(id); realClearTimeout(id); };
  w.setInterval = (fn: any, ms?: number, ...args: any[]) => {
    const id = realSetInterval(fn, ms, ...args);
    timers.set(id, 'interval');
    return id;
  };
  w.clearInterval = (id?: number) => { if (id != null) timers.delete(id); realClearInterval(id); };

  const roots: WeakRef<Element>[] = [];
  w.__life = {
    /** Listeners whose target is still alive, by kind of target. */
    listeners() {
      const out = { window: 0, document: 0, connected: 0, detached: 0 };
      for (const e of listeners) {
        const t = e.target.deref();
        if (!t) continue;
        if (t === window) out.window++;
        else if (t === document) out.document++;
        else if ((t as Node).isConnected) out.connected++;
        else if (t instanceof Node) out.detached++;
      }
      return out;
    },
    timers: () => timers.size,
    /** Where each live timer was set, to say which one is left when one is. */
    timerOrigins: () => Array.from(timers.values()),
    /** Live timers that were not live in `before` (ids from `timerIds`). */
    newTimers: (before: number[]) => Array.from(timers.entries()).filter(([id]) => !before.includes(id)).map(([, at]) => at),
    timerIds: () => Array.from(timers.keys()),
    /** Remembers the widget roots on the page now (each mount makes a fresh `.ksm`). */
    track() {
      for (const r of Array.from(document.querySelectorAll('.ksm'))) {
        if (!roots.some((x) => x.deref() === r)) roots.push(new WeakRef(r));
      }
      return roots.length;
    },
    /** Widget roots still alive: [connected, detached]. */
    roots() {
      let on = 0;
      let off = 0;
      for (const r of roots) {
        const el = r.deref();
        if (!el) continue;
        if (el.isConnected) on++;
        else off++;
      }
      return [on, off];
    },
  };
}

interface Figures {
  listeners: { window: number; document: number; connected: number; detached: number };
  timers: number;
  /** Where the live timers were set (shown when the count differs). */
  timerOrigins: string[];
  roots: number[];
  tracked: number;
  /** Blink's own counters after a full GC. */
  dom: { documents: number; nodes: number; jsEventListeners: number };
  wasm: number;
}

/** The wasm linear memory's size, from the glue the loader ran (a classic script's global). */
async function wasmBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    // Once initialised, init answers the live exports at once.
    const exports = await (0, eval)('wasm_bindgen')();
    return (exports.memory as WebAssembly.Memory).buffer.byteLength;
  });
}

async function measure(page: Page, cdp: CDPSession): Promise<Figures> {
  // Two collections: the first may only queue finalizers and weak callbacks.
  await cdp.send('HeapProfiler.collectGarbage');
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  await cdp.send('HeapProfiler.collectGarbage');
  const dom = await cdp.send('Memory.getDOMCounters') as Figures['dom'];
  const life = await page.evaluate(() => {
    const l = (window as any).__life;
    return { listeners: l.listeners(), timers: l.timers(), timerOrigins: l.timerOrigins(), roots: l.roots(), tracked: l.track() };
  });
  return { ...life, dom, wasm: await wasmBytes(page) };
}

/** Expects no growth from `before` to `after`, with a message naming the figure. */
function expectFlat(before: Figures, after: Figures): void {
  expect(after.listeners, 'live event listeners').toEqual(before.listeners);
  expect(after.timers, `live timers (now: ${after.timerOrigins.join('; ')})`).toBe(before.timers);
  expect(after.roots, 'widget roots alive [connected, detached]').toEqual(before.roots);
  expect(after.dom.jsEventListeners, 'Blink JS event listeners').toBeLessThanOrEqual(before.dom.jsEventListeners);
  expect(after.dom.nodes, 'Blink DOM nodes (detached ones included)').toBeLessThanOrEqual(before.dom.nodes);
  expect(after.dom.documents, 'documents').toBeLessThanOrEqual(before.dom.documents);
  expect(after.wasm - before.wasm, 'wasm memory growth in bytes').toBeLessThanOrEqual(WASM_SLACK);
}

/** Runs `n` cycles in the page; each ends with the widget unmounted. */
async function cycles(page: Page, kind: 'modal' | 'advanced', n: number): Promise<void> {
  const result = await page.evaluate(async ({ kind, n }) => {
    const host = (window as any).__host;
    const life = (window as any).__life;
    // Mounted means the data arrived and was drawn: the connection line in the modal, the
    // rows on the advanced page. Requests still in flight at unmount would also be a fair
    // test, but then each cycle would measure a different amount of work.
    const shown = kind === 'modal' ? '.ksm [data-conn="ok"]' : '#work-area-sources_manager .ksm tbody tr[data-k^="s"]';
    const until = async (ok: () => boolean, what: string) => {
      for (let t = 0; t < 400; t++) {
        if (ok()) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(what);
    };
    for (let i = 0; i < n; i++) {
      // Timers are compared by id: one that was live when the cycle began (RequireJS's load
      // check, say) may end during it, which a bare count would mistake for a change.
      const timerIds0: number[] = life.timerIds();
      const fresh = (): string[] => life.newTimers(timerIds0);
      const listeners0 = life.listeners().connected;
      if (kind === 'modal') {
        if (!(await host.openSettings())) return 'open failed at ' + i;
      } else if (!(await host.enterAdvanced())) {
        return 'enter failed at ' + i;
      }
      await until(() => !!document.querySelector(shown), 'not drawn at cycle ' + i);
      if (document.querySelectorAll('.ksm-app').length !== 1) return 'not one widget at ' + i;
      life.track();
      // The counters see the widget: its four delegated listeners on the root are live.
      if (life.listeners().connected < listeners0 + 4) return 'widget listeners not seen at ' + i;
      if (kind === 'advanced') {
        // Unmounted in the middle of a delete's undo window: its wasm timer must go too.
        // First the load's requests settle (the loader's abort timers end with them).
        await until(() => fresh().length === 0, 'requests still running at cycle ' + i);
        const app = document.querySelector('#work-area-sources_manager .ksm-app')!;
        (app.querySelector('tbody tr[data-k^="s"] [data-a="del"]') as HTMLElement).click();
        await until(() => !!app.querySelector('[data-a="confirm"]'), 'no delete dialog at cycle ' + i);
        (app.querySelector('[data-a="confirm"]') as HTMLElement).click();
        await until(() => fresh().length > 0, 'no undo timer at cycle ' + i);
      }
      if (kind === 'modal') await host.closeSettings();
      else await host.leaveAdvanced();
      if (document.querySelector('.ksm')) return 'widget left in the page at ' + i;
      // Unmounting clears the widget's own timers at once; a request still under way keeps
      // the loader's abort timer until its answer arrives (and is dropped).
      if (kind === 'advanced' && fresh().length) return 'timers left at ' + i + ': ' + fresh().join('; ');
      await until(() => fresh().length === 0, 'timers left after cycle ' + i)
        .catch(() => { throw new Error('timers left after cycle ' + i + ': ' + fresh().join('; ')); });
      if (life.listeners().connected !== listeners0) return 'listeners left at ' + i;
      if (kind === 'advanced' && host.residue !== 0) return 'advanced page left ' + host.residue + ' nodes at ' + i;
    }
    return 'ok';
  }, { kind, n });
  expect(result).toBe('ok');
}

for (const kind of ['modal', 'advanced'] as const) {
  test(`${kind}: ${CYCLES} mount/unmount cycles leave no listener, timer, node or wasm memory behind`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.addInitScript(instrument);
    const path = kind === 'modal' ? '/settings/widgets' : ADVANCED;
    expect(await openPage(page, env, path)).toBe(true);
    if (kind === 'advanced') {
      await expect(manager(page).locator('tbody tr[data-k^="s"]')).toHaveCount(6);
      await page.evaluate(() => (window as any).__life.track());
      expect(await page.evaluate(() => (window as any).__host.leaveAdvanced())).toBe(true);
    }
    const cdp = await page.context().newCDPSession(page);

    await cycles(page, kind, WARM_UP);
    const before = await measure(page, cdp);
    await cycles(page, kind, CYCLES);
    const after = await measure(page, cdp);
    console.log(`${kind} lifecycle after ${WARM_UP} and ${WARM_UP + CYCLES} cycles: ${JSON.stringify({ before, after })}`);

    // Every root the cycles made was collected: none connected, none kept detached.
    expect(after.tracked, 'widget roots seen').toBe(WARM_UP + CYCLES + (kind === 'advanced' ? 1 : 0));
    expect(after.roots, 'widget roots alive [connected, detached]').toEqual([0, 0]);
    expect(after.listeners.detached, 'listeners on detached nodes').toBe(0);
    expectFlat(before, after);

    // The widget still works after all that.
    if (kind === 'modal') {
      expect(await page.evaluate(() => (window as any).__host.openSettings())).toBe(true);
      await expect(page.locator('.ksm [data-conn="ok"]')).toHaveText('Connected. Sources of this integration: 6');
    } else {
      expect(await page.evaluate(() => (window as any).__host.enterAdvanced())).toBe(true);
      await expect(manager(page).locator('tbody tr[data-k^="s"]')).toHaveCount(6);
    }
    await expectNoCrash(page, env);
  });
}

test(`advanced: ${CYCLES} cycles left while the load is still on the wire drop the late answers and leave nothing behind`, async ({ page, request }) => {
  test.setTimeout(300_000);
  await page.addInitScript(instrument);
  expect(await openPage(page, env, ADVANCED)).toBe(true);
  await expect(manager(page).locator('tbody tr[data-k^="s"]')).toHaveCount(6);
  await page.evaluate(() => { (window as any).__life.track(); (window as any).__host.leaveAdvanced(); });
  const cdp = await page.context().newCDPSession(page);
  // Every list answer now comes 150 ms late: each cycle leaves before it arrives.
  expect((await request.post(`${env.sb.url}/__sandbox/delay`, { data: { method: 'GET', path: '/api/v4/sources', ms: 150 } })).ok()).toBe(true);

  const run = (n: number) => page.evaluate(async (n) => {
    const host = (window as any).__host;
    const life = (window as any).__life;
    for (let i = 0; i < n; i++) {
      if (!(await host.enterAdvanced())) return 'enter failed at ' + i;
      // Mounted (the wasm is compiled once, so this is a microtask away), not yet loaded.
      for (let t = 0; t < 100 && !document.querySelector('.ksm .ksm-app'); t++) await new Promise((r) => setTimeout(r, 5));
      if (!document.querySelector('.ksm .ksm-app')) return 'not mounted at ' + i;
      if (document.querySelector('.ksm tbody tr[data-k^="s"]')) return 'loaded before leaving at ' + i;
      life.track();
      await host.leaveAdvanced();
      if (document.querySelector('.ksm')) return 'widget left in the page at ' + i;
      // The late answers arrive with no app to take them; the loader's abort timers end with
      // them. Waiting for that keeps each cycle the same work: without it, how many requests
      // overlap (and so the allocator's high-water mark) depends on the machine's speed.
      for (let t = 0; t < 400 && life.timers() > 0; t++) await new Promise((r) => setTimeout(r, 10));
      if (life.timers() !== 0) return life.timers() + ' timers left at ' + i;
    }
    return 'ok';
  }, n);

  expect(await run(WARM_UP)).toBe('ok');
  const before = await measure(page, cdp);
  expect(await run(CYCLES)).toBe('ok');
  const after = await measure(page, cdp);
  console.log(`advanced in-flight lifecycle after ${WARM_UP} and ${WARM_UP + CYCLES} cycles: ${JSON.stringify({ before, after })}`);
  expect(after.tracked, 'widget roots seen').toBe(1 + WARM_UP + CYCLES);
  expect(after.roots, 'widget roots alive [connected, detached]').toEqual([0, 0]);
  expectFlat(before, after);

  expect((await request.delete(`${env.sb.url}/__sandbox/delay`)).ok()).toBe(true);
  expect(await page.evaluate(() => (window as any).__host.enterAdvanced())).toBe(true);
  await expect(manager(page).locator('tbody tr[data-k^="s"]')).toHaveCount(6);
  await expectNoCrash(page, env);
});
