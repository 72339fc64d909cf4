/* Kommo widget loader: fetches the wasm build beside this file and mounts it where Kommo asks. */
define([], function () {
  'use strict';

  // Shared by every widget object of this page: the wasm is fetched and compiled once.
  var loaded = null;
  var cssDone = false;

  var TEXT = {
    en: ['WebAssembly is blocked on this page (Content Security Policy), so the sources manager cannot start.',
      'The sources manager could not be loaded.', 'Try again'],
    es: ['WebAssembly está bloqueado en esta página (Content Security Policy), por lo que el gestor de fuentes no puede iniciarse.',
      'No se pudo cargar el gestor de fuentes.', 'Reintentar'],
    pt: ['O WebAssembly está bloqueado nesta página (Content Security Policy), por isso o gerenciador de fontes não pode iniciar.',
      'Não foi possível carregar o gerenciador de fontes.', 'Tentar novamente']
  };

  function blocked(e) {
    return /unsafe-eval|Content Security Policy|CSP/i.test(String(e && e.message || e));
  }

  return function () {
    var self = this;
    var mounted = [];
    var alive = 0;

    function params() { return self.params || {}; }
    function version() {
      var v = typeof self.get_version === 'function' ? self.get_version() : params().version;
      return encodeURIComponent(v || '0');
    }
    function asset(name, base) {
      if (base == null) base = params().cdn_path || params().path || '';
      return String(base).replace(/\/+$/, '') + '/' + name + '?v=' + version();
    }
    function settings() {
      var s = typeof self.get_settings === 'function' ? self.get_settings() : null;
      return s || {};
    }
    function lang() {
      var sys = typeof self.system === 'function' ? self.system() || {} : {};
      var l = String(sys.lang || (self.langs && self.langs.lang) || (window.AMOCRM && AMOCRM.lang_id) ||
        document.documentElement.lang || navigator.language || 'en').slice(0, 2).toLowerCase();
      return TEXT[l] ? l : 'en';
    }
    // The i18n file's `ui` table of the host's language: the wasm's UI texts, which the
    // wasm does not carry itself.
    function strings() {
      var t = typeof self.i18n === 'function' ? self.i18n('ui') : null;
      if (!t || typeof t !== 'object') t = self.langs && self.langs.ui;
      return t && typeof t === 'object' ? t : null;
    }
    function code() { return settings().widget_code || params().widget_code || self.code || ''; }

    // Direct mode: the account's own origin with the integration's long-lived token.
    // The token stays in this closure; the wasm side never sees it.
    function token(root) {
      var input = root && root.closest && root.closest('.modal, .modal-body, body');
      input = input && input.querySelector('input[name="token"]');
      return (input && input.value) || settings().token || '';
    }
    function directRequest(root) {
      return function (method, path, body) {
        var ctl = typeof AbortController === 'function' ? new AbortController() : null;
        var timer = ctl && setTimeout(function () { ctl.abort(); }, 15000);
        var headers = { Accept: 'application/hal+json, application/problem+json, application/json' };
        var t = token(root);
        if (t) headers.Authorization = 'Bearer ' + t;
        if (body != null) headers['Content-Type'] = 'application/json';
        return fetch(location.origin + path, {
          method: method, headers: headers, body: body == null ? undefined : body,
          credentials: 'omit', cache: 'no-store', signal: ctl ? ctl.signal : undefined
        }).then(function (res) {
          return res.text().then(function (text) {
            // A server may echo the request's header back (in a detail or trace id): the
            // token must never reach the wasm, which could show it in a banner.
            if (t) text = text.split(t).join('[token]');
            return {
              status: res.status, body: text,
              content_type: res.headers.get('Content-Type') || '',
              retry_after: res.headers.get('Retry-After') || ''
            };
          });
        }).finally(function () { if (timer) clearTimeout(timer); });
      };
    }

    function css() {
      if (cssDone || document.querySelector('link[data-ksm]')) return;
      cssDone = true;
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = asset('style.css');
      link.setAttribute('data-ksm', '');
      document.head.appendChild(link);
    }

    function load() {
      if (!loaded) {
        if (typeof WebAssembly !== 'object') return Promise.reject(new Error('CSP: no WebAssembly'));
        // The glue compiles the .wasm while it downloads (WebAssembly.instantiateStreaming)
        // and, when the server sends it with another Content-Type than application/wasm,
        // falls back to WebAssembly.instantiate(arrayBuffer); any other failure (a CSP that
        // blocks WebAssembly) is thrown to fail() below.
        var from = function (base) {
          var wasm = fetch(asset('widget_bg.wasm', base), { credentials: 'same-origin' });
          wasm.catch(function () {}); // reported through the glue, not as unhandled
          return import(asset('widget.js', base)).then(function (glue) {
            return glue.default({ module_or_path: wasm }).then(function () { return glue; });
          });
        };
        var p = params();
        // Module scripts and fetch need CORS from a CDN; the widget's own path is the fallback.
        loaded = from(p.cdn_path || p.path || '').catch(function (e) {
          if (blocked(e) || !p.cdn_path || !p.path || p.cdn_path === p.path) throw e;
          return from(p.path);
        });
        loaded.catch(function () { loaded = null; });
      }
      return loaded;
    }

    function fail(root, e, retry) {
      var t = TEXT[lang()];
      var box = document.createElement('div');
      box.className = 'ksm-error';
      box.setAttribute('role', 'alert');
      var p = document.createElement('p');
      p.textContent = blocked(e) ? t[0] : t[1];
      box.appendChild(p);
      if (!blocked(e)) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'ksm-btn';
        b.textContent = t[2];
        b.onclick = function () { root.textContent = ''; retry(); };
        box.appendChild(b);
      }
      root.textContent = '';
      root.appendChild(box);
    }

    // Kommo may drop a modal's DOM without calling destroy: unmount apps whose root is gone.
    function prune() {
      mounted = mounted.filter(function (m) {
        if (m.root.isConnected) return true;
        if (m.w && m.id != null) m.w.unmount(m.id);
        if (m.owned) m.owned.remove();
        return false;
      });
    }

    // Mounts the wasm app into a fresh root inside `host`; `extra` adds mode-specific config.
    function start(host, mode, extra, owned) {
      prune();
      css();
      var root = document.createElement('div');
      root.className = 'ksm';
      host.appendChild(root);
      var entry = { root: root, id: null, owned: owned || null };
      mounted.push(entry);
      var gen = alive;
      var go = function () {
        load().then(function (w) {
          if (gen !== alive || !root.isConnected) { prune(); return; }
          var cfg = { mode: mode, lang: lang(), strings: strings(), request: directRequest(root), widget_code: code() };
          for (var k in extra) cfg[k] = extra[k];
          entry.id = w.mount(root, cfg);
          entry.w = w;
        }).catch(function (e) {
          if (gen === alive) fail(root, e, go);
        });
      };
      go();
      return entry;
    }

    function stop() {
      alive++;
      mounted.splice(0).forEach(function (m) {
        if (m.w && m.id != null) m.w.unmount(m.id);
        m.root.remove();
        if (m.owned) m.owned.remove();
      });
    }

    // Cancel or Close in Digital Pipeline's panel: the host closes its panel on Escape, so ask
    // it the way a user would. A host that does not keeps the widget's "Add source" button.
    function closePanel(panel) {
      if (typeof KeyboardEvent !== 'function') return;
      panel.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    }

    this.callbacks = {
      render: function () { return true; },
      init: function () { return true; },
      bind_actions: function () { return true; },
      settings: function ($modal_body) {
        var body = $modal_body && ($modal_body.jquery ? $modal_body[0] : $modal_body);
        if (body) start(body, 'settings', {});
        return true;
      },
      advancedSettings: function () {
        var area = document.getElementById('work-area-' + code());
        if (area) start(area, 'advanced', {});
        return true;
      },
      onSave: function () { return true; },
      onAddAsSource: function (pipeline_id) {
        var pid = Number(pipeline_id) || 0;
        prune();
        var live = mounted.filter(function (m) { return m.w && m.id != null; })[0];
        if (live) {
          live.w.on_add_as_source(live.id, pid);
          return true;
        }
        // Digital Pipeline's source panel, when the host gives one; else our own layer.
        var panel = document.getElementById('dp-source-' + code());
        if (panel) {
          start(panel, 'add_source', { pipeline_id: pid, close: function () { closePanel(panel); } });
          return true;
        }
        var layer = document.createElement('div');
        layer.className = 'ksm-layer';
        document.body.appendChild(layer);
        start(layer, 'add_source', { pipeline_id: pid, close: function () { stop(); } }, layer);
        return true;
      },
      destroy: function () { stop(); }
    };
    return this;
  };
});
