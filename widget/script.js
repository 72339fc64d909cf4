/* Kommo widget loader: loads the wasm build beside this file and hands Kommo's callbacks to it. */
define([], function () {
  'use strict';

  // The integration's relay, written here by `cargo xtask dist --relay URL`; empty in direct
  // mode. With it, every API call goes there through Kommo's $authorizedAjax.
  var RELAY = '';
  // Shared by every widget object of the page: the wasm is fetched and compiled once.
  var loaded = null, wasm = null;
  // Areas where the widget's UI can open: the wasm starts loading as soon as one is entered.
  var AREAS = ['settings', 'advanced_settings', 'digital_pipeline', 'lead_sources'];
  // Shown when the wasm cannot run; the locale's own texts come from its i18n file.
  var FALLBACK = { blocked: 'WebAssembly is blocked on this page (Content Security Policy), so the sources manager cannot start.',
    failed: 'The sources manager could not be loaded.', retry: 'Try again' };

  function blocked(e) { return /unsafe-eval|Content Security Policy|CSP/i.test(String(e && e.message || e)); }
  function ok() { return true; }
  function el(parent, tag, cls) { var n = parent.appendChild(document.createElement(tag)); if (cls) n.className = cls; return n; }

  return function () {
    // Roots shown while the wasm loads: until it is in, only this file can take them away.
    var self = this, waiting = [], alive = 0, panel = null;

    function call(name) { return typeof self[name] === 'function' ? self[name]() : null; }
    function params() { return self.params || {}; }
    function area() { return (call('system') || {}).area; }
    function asset(name, base) {
      var v = encodeURIComponent(call('get_version') || params().version || '0');
      return String(base).replace(/\/+$/, '') + '/' + name + '?v=' + v;
    }
    // This file's texts in the user's i18n file (the wasm reads its own `ui` table there).
    function texts() {
      var t = typeof self.i18n === 'function' ? self.i18n('loader') : null;
      return [t, self.langs && self.langs.loader, FALLBACK].filter(function (x) { return x && typeof x === 'object'; })[0];
    }
    function css() {
      if (document.querySelector('link[data-ksm]')) return;
      var link = document.head.appendChild(document.createElement('link'));
      link.rel = 'stylesheet';
      link.href = asset('style.css', params().cdn_path || params().path || '');
      link.setAttribute('data-ksm', '');
    }
    // A classic script through RequireJS, as Kommo loads this file: no CORS is needed, so it
    // works wherever Kommo serves the widget's files from. Resolves with its AMD value.
    function script(url) {
      return new Promise(function (ok, no) { require([url], ok, function (e) { require.undef(url); no(e); }); });
    }
    // The module downloads and compiles (streaming) while the glue downloads; when the server
    // sends another Content-Type than application/wasm, the glue compiles it from its bytes.
    // When the fetch is refused (another origin without CORS headers), the bytes come in a
    // classic script.
    function from(base) {
      var bin = fetch(asset('widget_bg.wasm', base), { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok || typeof WebAssembly.compileStreaming !== 'function') return r;
        return WebAssembly.compileStreaming(r.clone()).catch(function () { return r; });
      });
      bin.catch(function () {}); // reported through the glue
      return script(asset('widget.js', base)).then(function () {
        return wasm_bindgen({ module_or_path: bin }).catch(function (e) {
          if (blocked(e)) throw e;
          return script(asset('widget_bg.wasm.js', base)).then(function (text) {
            return wasm_bindgen({ module_or_path: Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); }) });
          });
        });
      }).then(function () { return (wasm = wasm_bindgen); });
    }
    function load() {
      var p = params();
      if (typeof WebAssembly !== 'object') return Promise.reject(new Error('CSP: no WebAssembly'));
      // A CDN that fails altogether: the widget's own path is the fallback.
      return loaded = loaded || from(p.cdn_path || p.path || '').catch(function (e) {
        if (blocked(e) || !p.cdn_path || !p.path || p.cdn_path === p.path) throw e;
        return from(p.path);
      }).catch(function (e) { loaded = null; throw e; });
    }
    function preload() { if (AREAS.indexOf(area()) >= 0) load().catch(function () {}); return true; }

    function fail(root, e, retry) {
      var t = texts();
      root.textContent = '';
      var box = el(root, 'div', 'ksm-error');
      box.setAttribute('role', 'alert');
      el(box, 'p').textContent = blocked(e) ? t.blocked : t.failed;
      if (blocked(e)) return;
      var b = el(box, 'button', 'ksm-btn');
      b.type = 'button'; b.textContent = t.retry;
      b.onclick = function () { root.textContent = ''; retry(); };
    }
    function forget(m) { var i = waiting.indexOf(m); return i >= 0 && waiting.splice(i, 1); }
    function stop() {
      alive++;
      waiting.splice(0).forEach(function (m) { (m.layer || m.root).remove(); });
      if (wasm) wasm.destroy(self);
    }
    // Shows a root inside `host` and has the wasm mount its app there once it is in; `m` says how:
    // the mode, and for the panel its layer, where focus goes back, the pipelines asked for meanwhile.
    function start(host, m) {
      css();
      m.root = el(host, 'div', 'ksm');
      waiting.push(m);
      var gen = alive, go = function () {
        load().then(function (w) {
          if (gen === alive && waiting.indexOf(m) >= 0) w.mount_in(self, m.root, m, RELAY);
          forget(m);
        }).catch(function (e) { if (gen === alive) fail(m.root, e, go); });
      };
      go();
      return m;
    }
    // Digital Pipeline gives no container: the widget opens its own panel on the page, one at
    // a time; once it is mounted, the wasm turns it to another pipeline and closes it.
    function openPanel(id, add) {
      if (wasm && wasm.open_panel(self, id, add)) return true;
      if (panel && waiting.indexOf(panel) >= 0 && panel.root.isConnected) { panel.asks.push([id, add]); return true; }
      var layer = el(document.body, 'div', 'ksm-layer');
      var p = panel = start(layer, { mode: 'pipeline', layer: layer, back: document.activeElement, asks: [[id, add]] });
      // Until the wasm runs (or when it cannot), a click beside the panel still closes it.
      layer.addEventListener('click', function (e) {
        if (e.target !== layer || !forget(p)) return;
        layer.remove();
        if (p.back && p.back.isConnected && typeof p.back.focus === 'function') p.back.focus();
      });
      return true;
    }
    // Entering Digital Pipeline where the widget is attached opens it on that pipeline.
    function attached() {
      var gen = alive;
      if (['digital_pipeline', 'lead_sources'].indexOf(area()) >= 0 && typeof self.get_pipeline_id === 'function') {
        Promise.resolve().then(function () { return self.get_pipeline_id(); })
          .then(function (id) { if (gen === alive) openPanel(id, false); }, function () {});
      }
      return preload();
    }
    this.callbacks = {
      render: preload,
      init: attached,
      bind_actions: ok,
      settings: function ($modal_body) {
        var body = $modal_body && ($modal_body.jquery ? $modal_body[0] : $modal_body);
        return body && start(body, { mode: 'settings' }), true;
      },
      advancedSettings: function () {
        var code = (call('get_settings') || {}).widget_code || params().widget_code || self.code || '';
        var area = document.getElementById('work-area-' + code);
        return area && start(area, { mode: 'advanced' }), true;
      },
      onSave: function (data) { return wasm ? wasm.on_save(self, data) : true; },
      // The id is handed to Rust as it came: Kommo's docs do not say number or string.
      onAddAsSource: function (pipeline_id) { return openPanel(pipeline_id, true); },
      destroy: stop
    };
    return this;
  };
});
