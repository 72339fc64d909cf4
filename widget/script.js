/* Kommo widget loader: answers Kommo's callbacks by mounting the wasm build beside this file. */
define([], function () {
  'use strict';

  // The integration's relay, written here by `cargo xtask dist --relay URL`; empty in direct
  // mode. With it, every API call goes there through Kommo's $authorizedAjax.
  var RELAY = '';
  // Shared by every widget object of the page: the wasm is fetched and compiled once.
  var loaded = null;
  // Areas where the widget's UI can open: the wasm starts loading as soon as one is entered.
  var AREAS = ['settings', 'advanced_settings', 'digital_pipeline', 'lead_sources'];
  // Shown when the wasm cannot run; the locale's own texts come from its i18n file.
  var FALLBACK = { blocked: 'WebAssembly is blocked on this page (Content Security Policy), so the sources manager cannot start.',
    failed: 'The sources manager could not be loaded.', retry: 'Try again' };

  function blocked(e) { return /unsafe-eval|Content Security Policy|CSP/i.test(String(e && e.message || e)); }
  function ok() { return true; }

  return function () {
    var self = this, mounted = [], alive = 0;

    function call(name) { return typeof self[name] === 'function' ? self[name]() : null; }
    function params() { return self.params || {}; }
    function settings() { return call('get_settings') || {}; }
    function system() { return call('system') || {}; }
    function code() { return settings().widget_code || params().widget_code || self.code || ''; }
    function lang() { return String(system().lang || (self.langs && self.langs.lang) || navigator.language || 'en'); }
    function asset(name, base) {
      var v = encodeURIComponent(call('get_version') || params().version || '0');
      return String(base).replace(/\/+$/, '') + '/' + name + '?v=' + v;
    }
    // A table of the user's i18n file: `ui` holds the wasm's UI texts, `loader` this file's.
    function table(key) {
      var t = typeof self.i18n === 'function' ? self.i18n(key) : null;
      if (!t || typeof t !== 'object') t = self.langs && self.langs[key];
      return t && typeof t === 'object' ? t : null;
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
      return new Promise(function (ok, no) {
        require([url], ok, function (e) { require.undef(url); no(e); });
      });
    }
    function bytes(base64) {
      var raw = atob(base64), out = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
      return out;
    }

    function load() {
      if (!loaded) {
        if (typeof WebAssembly !== 'object') return Promise.reject(new Error('CSP: no WebAssembly'));
        // The module downloads while the glue does; the glue compiles it streaming, or from
        // its bytes when the server sends another Content-Type than application/wasm. When
        // the fetch is refused (another origin without CORS headers), the bytes come in a
        // classic script instead.
        var from = function (base) {
          var wasm = fetch(asset('widget_bg.wasm', base), { credentials: 'same-origin' });
          wasm.catch(function () {}); // reported through the glue
          return script(asset('widget.js', base)).then(function () {
            return wasm_bindgen({ module_or_path: wasm }).catch(function (e) {
              if (blocked(e)) throw e;
              return script(asset('widget_bg.wasm.js', base)).then(function (text) {
                return wasm_bindgen({ module_or_path: bytes(text) });
              });
            });
          }).then(function () { return wasm_bindgen; });
        };
        var p = params();
        // A CDN that fails altogether: the widget's own path is the fallback.
        loaded = from(p.cdn_path || p.path || '').catch(function (e) {
          if (blocked(e) || !p.cdn_path || !p.path || p.cdn_path === p.path) throw e;
          return from(p.path);
        });
        loaded.catch(function () { loaded = null; });
      }
      return loaded;
    }
    function preload() {
      if (AREAS.indexOf(system().area) >= 0) load().catch(function () {});
      return true;
    }

    function fail(root, e, retry) {
      var t = table('loader') || FALLBACK;
      root.textContent = '';
      var box = root.appendChild(document.createElement('div'));
      box.className = 'ksm-error';
      box.setAttribute('role', 'alert');
      box.appendChild(document.createElement('p')).textContent = blocked(e) ? t.blocked : t.failed;
      if (!blocked(e)) {
        var b = box.appendChild(document.createElement('button'));
        b.type = 'button';
        b.className = 'ksm-btn';
        b.textContent = t.retry;
        b.onclick = function () { root.textContent = ''; retry(); };
      }
    }

    function drop(m) {
      if (m.w && m.id != null) m.w.unmount(m.id);
      (m.owned || m.root).remove();
    }
    // Kommo may drop a modal's DOM without calling destroy: unmount apps whose root is gone.
    function prune() {
      mounted = mounted.filter(function (m) { return m.root.isConnected || (drop(m), false); });
    }
    function stop() { alive++; mounted.splice(0).forEach(drop); }

    // Mounts the wasm app into a fresh root inside `host`; `extra` adds mode-specific config.
    function start(host, mode, extra, owned) {
      prune();
      css();
      var root = host.appendChild(document.createElement('div'));
      root.className = 'ksm';
      var entry = { root: root, id: null, owned: owned || null };
      mounted.push(entry);
      var gen = alive;
      var go = function () {
        load().then(function (w) {
          if (gen !== alive || !root.isConnected) return prune();
          var cfg = { mode: mode, lang: lang(), ui: table('ui'), settings: settings() };
          for (var k in extra) cfg[k] = extra[k];
          if (RELAY) { cfg.relay = RELAY; cfg.ajax = function (o) { return self.$authorizedAjax(o); }; }
          entry.id = w.mount(root, cfg);
          entry.w = w;
        }).catch(function (e) { if (gen === alive) fail(root, e, go); });
      };
      go();
      return entry;
    }

    // Digital Pipeline gives no container: the widget opens its own panel on the page, one
    // at a time, and the panel closes itself (its close button, Escape) through `close`.
    var panel = null;
    function openPanel(pipeline_id, add) {
      prune();
      if (panel && mounted.indexOf(panel.entry) < 0) panel = null;
      if (panel && panel.entry.w) {
        panel.entry.w.open_pipeline(panel.entry.id, pipeline_id, add);
      } else if (panel) {
        // Still loading: the latest pipeline is the one mounted, an add is not forgotten.
        if (add || !panel.extra.add) panel.extra.pipeline_id = pipeline_id;
        panel.extra.add = panel.extra.add || add;
      } else {
        var layer = document.body.appendChild(document.createElement('div'));
        layer.className = 'ksm-layer';
        var p = { back: document.activeElement };
        p.extra = { pipeline_id: pipeline_id, add: add, close: function () { closePanel(p); } };
        p.entry = start(layer, 'pipeline', p.extra, layer);
        // Until the wasm runs (or when it cannot), a click beside the panel still closes it.
        layer.addEventListener('click', function (e) { if (e.target === layer && !p.entry.w) closePanel(p); });
        panel = p;
      }
      return true;
    }
    function closePanel(p) {
      var i = mounted.indexOf(p.entry);
      if (i >= 0) drop(mounted.splice(i, 1)[0]);
      if (panel === p) panel = null;
      if (p.back && p.back.isConnected && typeof p.back.focus === 'function') p.back.focus();
    }
    // Entering Digital Pipeline where the widget is attached opens it on that pipeline.
    function attached() {
      var area = system().area, gen = alive;
      if ((area === 'digital_pipeline' || area === 'lead_sources') && typeof self.get_pipeline_id === 'function') {
        Promise.resolve().then(function () { return self.get_pipeline_id(); }).then(function (id) {
          if (gen === alive) openPanel(id, false);
        }, function () {});
      }
      return preload();
    }

    this.callbacks = {
      render: preload,
      init: attached,
      bind_actions: ok,
      settings: function ($modal_body) {
        var body = $modal_body && ($modal_body.jquery ? $modal_body[0] : $modal_body);
        return body && start(body, 'settings', {}), true;
      },
      advancedSettings: function () {
        var area = document.getElementById('work-area-' + code());
        return area && start(area, 'advanced', {}), true;
      },
      onSave: ok,
      // The id is handed to Rust as it came: Kommo's docs do not say number or string.
      onAddAsSource: function (pipeline_id) { return openPanel(pipeline_id, true); },
      destroy: stop
    };
    return this;
  };
});
