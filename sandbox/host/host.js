/* The sandbox host: does for the widget what Kommo's pages do.
 *
 * It loads script.js with RequireJS, builds the widget object (the base API on its prototype,
 * the module's constructor run on it), and drives the callbacks of each area:
 *   settings modal (/settings/widgets), advanced settings (/settings/widgets/<code>/advanced),
 *   Digital Pipeline (/leads/pipeline/<id>/settings).
 * One widget object lives per page load; entering an area calls render, init, bind_actions and
 * the area's callback, leaving it calls destroy. Test hooks are on window.__host.
 * Everything from the widget or the server is written with textContent, never as HTML.
 */
(function () {
  'use strict';

  var body = document.body;
  var CODE = body.getAttribute('data-widget-code');
  var PAGE = body.getAttribute('data-page');
  var BUILT = body.getAttribute('data-widget') === 'built';
  var PAGE_PIPELINE = body.getAttribute('data-pipeline');
  // The host reads the manifest and locales from its own origin, as Kommo's own code does;
  // the widget's files (params.path) may come from another origin, with or without CORS.
  var OWN = '/widgets/' + CODE;
  var PATH = (body.getAttribute('data-files') || '') + OWN;
  var LANGS = ['en', 'es', 'pt'];
  var LANG_KEY = 'kommo-sandbox.lang';
  // The account and administrator of the sandbox's API (GET /api/v4/account, /users/1).
  var ACCOUNT = { id: 30470678, subdomain: 'sandbox', name: 'Sandbox Trading Co.' };
  var USER = { id: 1, login: 'admin@sandbox.example', name: 'Ana Admin' };
  // Used when the sandbox API does not answer (no token saved, API not running).
  var FALLBACK_PIPELINES = [
    { id: 1000001, name: 'Main pipeline', is_main: true, is_archive: false, statuses: [] },
    { id: 1000002, name: 'Second pipeline', is_main: false, is_archive: false, statuses: [] },
    { id: 1000003, name: 'Archived pipeline', is_main: false, is_archive: true, statuses: [] }
  ];
  var DEFAULT_STAGES = ['Incoming leads', 'Initial contact', 'Discussions', 'Decision making'];
  var STAGE_COLORS = ['#99ccff', '#ffff99', '#ffcc66', '#ccff66', '#d5d8db'];

  var $ = null;
  var lang = chooseLang();
  var manifest = null;
  var version = '';
  var langs = {};
  var settings = {};
  var widget = null;
  var entered = null;      // the area whose render/init/bind_actions ran and whose destroy is due
  var dp = { pipelines: [], current: null, attached: [], context: null, idAs: 'number', sources: null, before: null };
  var modal = null;        // the open dialog, if any

  var host = window.__host = {
    page: PAGE,
    widgetBuilt: BUILT,
    lang: lang,
    lifecycle: [],         // callback names in the order they were called
    errors: [],            // what the host showed as errors
    area: null,            // the area entered now (system().area)
    residue: null,         // nodes the widget left after destroy: in its container, or on the page in Digital Pipeline
    ready: null,           // resolves to true once the widget object exists
    widget: function () { return widget; },
    settings: function () { return copy(settings); },
    openSettings: whenReady(function () { onlyOn('settings', 'openSettings'); return openSettings(tile()); }),
    closeSettings: whenReady(function () { return closeSettings(); }),
    saveSettings: whenReady(function () { return saveSettings(); }),
    enterAdvanced: whenReady(function () { onlyOn('advanced', 'enterAdvanced'); return enterAdvanced(); }),
    leaveAdvanced: whenReady(function () { onlyOn('advanced', 'leaveAdvanced'); return leaveAdvanced(); }),
    addAsSource: whenReady(function (id) { onlyOn('pipeline', 'addAsSource'); return addAsSource(id); }),
    openSource: whenReady(function () { onlyOn('pipeline', 'openSource'); return openSource(); }),
    closeSource: whenReady(function () { onlyOn('pipeline', 'closeSource'); return closeSource(); }),
    detachSource: whenReady(function (id) { onlyOn('pipeline', 'detachSource'); return detachSource(id); })
  };

  markChrome();
  // The slice of Kommo's page global that widgets read for account, user and language.
  window.AMOCRM = window.AMOCRM || {
    lang_id: lang,
    widgets: { list: {} },
    data: { current_entity: null, current_card: null },
    constant: function (name) {
      var constants = {
        account: { id: ACCOUNT.id, subdomain: ACCOUNT.subdomain, name: ACCOUNT.name },
        user: { id: USER.id, login: USER.login, name: USER.name },
        lang: lang
      };
      return constants[name];
    }
  };
  window.addEventListener('error', function (e) {
    hostError('Uncaught error: ' + (e.error ? describe(e.error) : e.message));
  });
  window.addEventListener('unhandledrejection', function (e) {
    hostError('Unhandled promise rejection: ' + describe(e.reason));
  });
  // Leaving the page leaves its area, as navigating away in Kommo does.
  window.addEventListener('pagehide', function () { leave(); });

  host.ready = new Promise(function (resolve) {
    if (typeof window.requirejs !== 'function') {
      hostError('RequireJS did not load from /vendor/require.js: run `npm ci` at the repository root.');
      resolve(false);
      return;
    }
    window.requirejs.config({ paths: { jquery: '/vendor/jquery' }, waitSeconds: 30 });
    window.require(['jquery'], function (jq) {
      $ = jq;
      start().then(resolve, function (e) {
        hostError(describe(e));
        resolve(false);
      });
    }, function (err) {
      hostError('jQuery did not load from /vendor/jquery.js: ' + describe(err));
      resolve(false);
    });
  });

  // ---------------------------------------------------------------- start-up

  async function start() {
    if (!BUILT) return false;  // the server already shows the "no widget is built" notice
    try {
      manifest = await getJson(OWN + '/manifest.json');
    } catch (e) {
      throw new Error('The widget folder has no readable manifest.json: ' + describe(e));
    }
    var info = manifest.widget || {};
    version = String(info.version || '');
    var locales = Array.isArray(info.locale) && info.locale.length ? info.locale : ['en'];
    var widgetLang = locales.indexOf(lang) >= 0 ? lang : (locales.indexOf('en') >= 0 ? 'en' : locales[0]);
    try {
      langs = await getJson(OWN + '/i18n/' + encodeURIComponent(widgetLang) + '.json?v=' + encodeURIComponent(version));
    } catch (e) {
      hostError('The widget has no i18n/' + widgetLang + '.json: ' + describe(e));
      langs = {};
    }
    settings = await getJson('/__sandbox/host/settings');
    var Module = await requireWidget(PATH + '/script.js?v=' + encodeURIComponent(version));
    widget = construct(Module);
    if (!widget) return false;
    if (PAGE === 'settings') startSettings();
    else if (PAGE === 'advanced') startAdvanced();
    else if (PAGE === 'pipeline') await startPipeline();
    return true;
  }

  function requireWidget(url) {
    return new Promise(function (resolve, reject) {
      window.require([url], resolve, function (err) {
        reject(new Error('The widget script did not load (' + (err.requireType || 'error') + '): ' + err.message));
      });
    });
  }

  // Kommo's base widget API sits on the prototype; the module's constructor runs on the object.
  function construct(Module) {
    if (typeof Module !== 'function') {
      hostError('script.js must define a constructor function, not ' + typeof Module);
      return null;
    }
    function Base() {}
    Base.prototype = baseApi();
    var made;
    try {
      made = Reflect.construct(Module, [], Base);
    } catch (e) {
      hostError('The widget constructor threw: ' + describe(e));
      return null;
    }
    if (!made || typeof made.callbacks !== 'object' || made.callbacks === null) {
      hostError('The widget constructor did not set this.callbacks');
      return null;
    }
    return made;
  }

  function baseApi() {
    var params = {};
    syncParams(params);
    return {
      params: params,
      langs: langs,
      get_settings: function () {
        var out = copy(settings);
        out.widget_code = CODE;
        return out;
      },
      // Like Kommo: changes the settings in the page; Save in the modal persists them.
      set_settings: function (changes) {
        if (changes && typeof changes === 'object') {
          Object.keys(changes).forEach(function (k) { settings[k] = changes[k]; });
          syncParams(params);
        }
      },
      i18n: i18n,
      system: function () {
        return {
          area: host.area || areaOfPage(),
          amouser_id: USER.id,
          amouser: USER.login,
          amohash: 'sandbox',
          account_id: ACCOUNT.id,
          subdomain: ACCOUNT.subdomain,
          domain: location.host,
          server: location.host,
          lang: lang
        };
      },
      get_version: function () { return version; },
      get_install_status: function () { return 'installed'; },
      get_pipeline_id: function () {
        if (dp.context !== null && dp.attached.indexOf(dp.context) >= 0) return Promise.resolve(handOut(dp.context));
        return Promise.reject(new Error('The widget is not attached to a pipeline as a lead source here'));
      },
      $authorizedAjax: authorizedAjax
    };
  }

  function syncParams(params) {
    Object.keys(params).forEach(function (k) { delete params[k]; });
    Object.keys(settings).forEach(function (k) { params[k] = settings[k]; });
    params.path = PATH;
    params.version = version;
    params.widget_code = CODE;
    params.widget_active = 'Y';
  }

  function areaOfPage() {
    return { settings: 'settings', advanced: 'advanced_settings', pipeline: 'digital_pipeline' }[PAGE] || 'dashboard';
  }

  function i18n(key) {
    if (typeof key !== 'string') return key;
    if (Object.prototype.hasOwnProperty.call(langs, key)) return langs[key];
    var value = langs;
    var parts = key.split('.');
    for (var i = 0; i < parts.length; i++) {
      if (value && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, parts[i])) {
        value = value[parts[i]];
      } else {
        return key;
      }
    }
    return value;
  }

  function text(key, fallback) {
    var value = i18n(key);
    return typeof value === 'string' && value !== key ? value : fallback;
  }

  // ---------------------------------------------------------------- lifecycle

  // Calls callbacks[name]; reports a throw, and a value other than true when true is required.
  function invoke(name, args, mustReturnTrue) {
    var callbacks = widget && widget.callbacks;
    var fn = callbacks && callbacks[name];
    if (typeof fn !== 'function') {
      if (mustReturnTrue) {
        hostError('The widget has no callbacks.' + name);
        return { ok: false };
      }
      return { ok: true, missing: true };
    }
    host.lifecycle.push(name);
    var value;
    try {
      value = fn.apply(callbacks, args || []);
    } catch (e) {
      hostError('callbacks.' + name + ' threw: ' + describe(e));
      return { ok: false };
    }
    if (mustReturnTrue && value !== true) {
      hostError('callbacks.' + name + ' returned ' + describeValue(value) + ' instead of true');
      return { ok: false, value: value };
    }
    return { ok: true, value: value };
  }

  function enter(area) {
    leave();
    entered = area;
    host.area = area;
    return invoke('render', [], true).ok && invoke('init', [], true).ok && invoke('bind_actions', [], true).ok;
  }

  function leave() {
    if (!entered) return false;
    entered = null;
    invoke('destroy', []);
    host.area = null;
    return true;
  }

  // ---------------------------------------------------------------- settings modal

  function tile() {
    return document.getElementById('widget-tile-' + CODE);
  }

  function startSettings() {
    var t = tile();
    if (!t) return;
    setLogo(t.querySelector('.widget-tile__logo'), 'logo.png');
    t.querySelector('.widget-tile__name').textContent = text('widget.name', CODE);
    t.querySelector('.widget-tile__descr').textContent = text('widget.short_description', '');
    t.disabled = false;
    t.addEventListener('click', function () { openSettings(t); });
  }

  function openSettings(opener) {
    if (modal && modal.kind === 'settings') return true;
    if (modal) modal.close();
    var dialog = openDialog('settings', opener, function () { leave(); });
    var modalBody = dialog.body;
    modalBody.classList.add('widget-settings');
    modalBody.setAttribute('data-widget-code', CODE);

    var block = el('div', 'widget_settings_block');
    var head = el('div', 'widget_settings_block__head');
    var logo = el('img', 'widget_settings_block__logo');
    logo.alt = '';
    setLogo(logo, 'logo_main.png');
    var intro = el('div');
    var title = el('h2', 'widget_settings_block__title', text('widget.name', CODE));
    title.id = dialog.titleId;
    intro.appendChild(title);
    intro.appendChild(el('p', 'widget_settings_block__descr', text('widget.description', '')));
    head.appendChild(logo);
    head.appendChild(intro);
    block.appendChild(head);
    // As in Kommo, Save sits at the top: whatever the widget appends comes below the fields.

    var form = el('form', 'widget_settings_block__fields');
    form.noValidate = true;
    form.addEventListener('submit', function (e) { e.preventDefault(); saveSettings(); });
    renderFields(form);
    block.appendChild(form);
    block.appendChild(el('div', 'widget_settings_block__custom'));

    var controls = el('div', 'widget_settings_block__controls');
    var save = el('button', 'button-input button-input_blue js-widget-save', 'Save');
    save.type = 'button';
    save.addEventListener('click', function () { saveSettings(); });
    var cancel = el('button', 'button-input js-widget-cancel', 'Cancel');
    cancel.type = 'button';
    cancel.addEventListener('click', function () { closeSettings(); });
    var status = el('span', 'widget_settings_block__status');
    status.setAttribute('role', 'status');
    var buttons = el('div', 'widget_settings_block__buttons');
    buttons.appendChild(save);
    buttons.appendChild(cancel);
    controls.appendChild(buttons);
    controls.appendChild(status);
    head.appendChild(controls);
    modalBody.appendChild(block);

    modal.save = save;
    modal.status = status;
    modal.form = form;

    var ok = enter('settings');
    if (ok) invoke('settings', [$(modalBody)]);
    dialog.focusFirst();
    return ok;
  }

  // Renders the manifest's settings fields as Kommo does: a label and an input per field.
  function renderFields(form) {
    var fields = (manifest && manifest.settings) || {};
    Object.keys(fields).forEach(function (name) {
      var field = fields[name] || {};
      var id = CODE + '_setting_' + name;
      var row = el('div', 'widget_settings_block__item_field');
      var label = el('label', 'widget_settings_block__title_field',
        text(field.name, text('settings.' + name, name)));
      label.htmlFor = id;
      var value = settings[name] === undefined || settings[name] === null ? '' : String(settings[name]);
      var input;
      if (field.type === 'text' || field.type === 'pass') {
        input = el('input', 'widget_settings_block__input_field');
        input.type = field.type === 'pass' ? 'password' : 'text';
        input.autocomplete = 'off';
        input.spellcheck = false;
      } else {
        // custom, users, users_lp: a hidden input the widget fills; custom gets a container.
        input = el('input');
        input.type = 'hidden';
        if (field.type === 'custom') {
          var custom = el('div', 'widget_settings_block__custom_field');
          custom.id = CODE + '_custom_' + name;
          row.appendChild(custom);
        } else if (field.type !== 'users' && field.type !== 'users_lp') {
          hostError('Unknown settings field type "' + String(field.type) + '" for ' + name);
        }
      }
      input.id = id;
      input.name = name;
      input.value = value;
      if (field.required) {
        input.required = true;
        input.setAttribute('aria-required', 'true');
        var mark = el('span', 'required', ' *');
        mark.setAttribute('aria-hidden', 'true');
        label.appendChild(mark);
      }
      var error = el('div', 'widget_settings_block__field_error');
      error.id = id + '_error';
      error.setAttribute('aria-live', 'polite');
      input.setAttribute('aria-describedby', error.id);
      row.insertBefore(label, row.firstChild);
      row.appendChild(input);
      row.appendChild(error);
      form.appendChild(row);
    });
  }

  function collectFields() {
    var values = {};
    var missing = null;
    var fields = (manifest && manifest.settings) || {};
    Object.keys(fields).forEach(function (name) {
      var input = modal.form.querySelector('[name="' + cssEscape(name) + '"]');
      if (!input) return;
      var error = document.getElementById(input.id + '_error');
      if (error) error.textContent = '';
      values[name] = input.value;
      if (fields[name] && fields[name].required && String(input.value).trim() === '') {
        if (error) error.textContent = 'This field is required';
        if (!missing) missing = input;
      }
    });
    return { values: values, missing: missing };
  }

  async function saveSettings() {
    if (!modal || modal.kind !== 'settings') return false;
    if (modal.saving) return false;
    var m = modal;
    var collected = collectFields();
    if (collected.missing) {
      collected.missing.focus();
      return false;
    }
    m.saving = true;
    m.save.disabled = true;
    m.status.textContent = '';
    try {
      var result = invoke('onSave', [{ fields: copy(collected.values), active: 'Y' }]);
      if (!result.ok) return false;
      var answer;
      try {
        answer = await Promise.resolve(result.value);
      } catch (e) {
        m.status.textContent = 'Not saved: ' + describe(e);
        return false;
      }
      if (answer === false) {
        m.status.textContent = 'Not saved: the widget refused the settings';
        return false;
      }
      var merged = copy(settings);
      Object.keys(collected.values).forEach(function (k) { merged[k] = collected.values[k]; });
      var saved = await postJson('/__sandbox/host/settings', merged);
      Object.keys(settings).forEach(function (k) { delete settings[k]; });
      Object.keys(saved).forEach(function (k) { settings[k] = saved[k]; });
      syncParams(widget.params);
      if (modal === m) closeSettings();
      return true;
    } catch (e) {
      m.status.textContent = 'Not saved: ' + describe(e);
      return false;
    } finally {
      m.saving = false;
      m.save.disabled = false;
    }
  }

  function closeSettings() {
    if (!modal || modal.kind !== 'settings') return false;
    modal.close();
    return true;
  }

  // A modal dialog: overlay, focus trapped inside, Escape closes, focus returns to the opener.
  function openDialog(kind, opener, onClose) {
    var overlay = el('div', 'modal-overlay');
    var dialog = el('div', 'modal');
    var titleId = 'modal-title-' + kind;
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-labelledby', titleId);
    dialog.id = 'modal-' + kind;
    var close = el('button', 'modal-close', '\u00d7');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close');
    var modalBody = el('div', 'modal-body');
    dialog.appendChild(close);
    dialog.appendChild(modalBody);
    overlay.appendChild(dialog);

    var background = Array.prototype.slice.call(document.querySelectorAll('body > .page, body > .nav-left'));
    var returnTo = opener || document.activeElement;

    function onKey(e) {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        state.close();
      } else if (e.key === 'Tab') {
        var items = focusables(dialog);
        if (!items.length) { e.preventDefault(); return; }
        var first = items[0];
        var last = items[items.length - 1];
        if (e.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
          e.preventDefault();
          first.focus();
        }
      }
    }
    function onFocusIn(e) {
      if (!overlay.contains(e.target)) state.focusFirst();
    }
    function onOverlayClick(e) {
      if (e.target === overlay) state.close();
    }

    var state = {
      kind: kind,
      body: modalBody,
      titleId: titleId,
      closed: false,
      focusFirst: function () {
        var items = focusables(dialog);
        var input = dialog.querySelector('input:not([type=hidden]):not([disabled])');
        (input || items[0] || close).focus();
      },
      close: function () {
        if (state.closed) return;
        state.closed = true;
        if (modal === state) modal = null;
        try {
          if (onClose) onClose();
        } finally {
          overlay.removeEventListener('keydown', onKey);
          overlay.removeEventListener('click', onOverlayClick);
          document.removeEventListener('focusin', onFocusIn);
          background.forEach(function (node) { node.inert = false; });
          overlay.remove();
          if (returnTo && returnTo.isConnected && typeof returnTo.focus === 'function') returnTo.focus();
        }
      }
    };
    close.addEventListener('click', function () { state.close(); });
    overlay.addEventListener('keydown', onKey);
    overlay.addEventListener('click', onOverlayClick);
    document.addEventListener('focusin', onFocusIn);
    background.forEach(function (node) { node.inert = true; });
    body.appendChild(overlay);
    modal = state;
    return state;
  }

  function focusables(root) {
    var selector = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), ' +
      'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    return Array.prototype.filter.call(root.querySelectorAll(selector), function (node) {
      return node.getClientRects().length > 0 && !node.closest('[inert]');
    });
  }

  // ---------------------------------------------------------------- advanced settings

  function workArea() {
    return document.getElementById('work-area-' + CODE);
  }

  function startAdvanced() {
    var title = document.getElementById('advanced-title');
    var key = manifest.advanced && manifest.advanced.title;
    if (title) title.textContent = text(key, text('widget.name', CODE));
    enterAdvanced();
  }

  function enterAdvanced() {
    if (entered === 'advanced_settings') return true;
    var ok = enter('advanced_settings');
    if (ok) invoke('advancedSettings', []);
    return ok;
  }

  function leaveAdvanced() {
    if (entered !== 'advanced_settings') return false;
    leave();
    host.residue = replaceWithEmpty(workArea());
    return true;
  }

  // Counts what the widget left behind, then swaps in a fresh container as a new page would.
  function replaceWithEmpty(container) {
    if (!container) return null;
    var left = container.childNodes.length;
    var fresh = container.cloneNode(false);
    container.replaceWith(fresh);
    return left;
  }

  // ---------------------------------------------------------------- Digital Pipeline

  // As Kommo documents it: the widget is offered under "+ Add source"; adding it attaches it
  // and calls onAddAsSource(pipeline_id); get_pipeline_id() resolves while it is attached.
  // Kommo gives the widget no container here. The integration's sources of the pipeline are
  // listed in the first stage, from the sandbox's store, and follow its changes.
  async function startPipeline() {
    var notice = [];
    try {
      dp.pipelines = await loadPipelines();
    } catch (e) {
      dp.pipelines = FALLBACK_PIPELINES;
      notice.push('The sandbox API did not list the pipelines (' + describe(e) + '): showing built-in ones.');
    }
    var wanted = PAGE_PIPELINE ? Number(PAGE_PIPELINE) : null;
    var main = dp.pipelines.filter(function (p) { return p.is_main; })[0] || dp.pipelines[0];
    if (wanted !== null && !dp.pipelines.some(function (p) { return p.id === wanted; })) {
      notice.push('Pipeline ' + wanted + ' is not in this account.');
    }
    dp.current = wanted !== null ? wanted : (main ? main.id : null);
    var attachments = await getJson('/__sandbox/host/attachments');
    dp.attached = attachments.pipelines || [];
    dp.context = dp.attached.indexOf(dp.current) >= 0 ? dp.current : null;
    dp.idAs = (await getJson('/__sandbox/host')).pipeline_id_as;
    var box = document.getElementById('dp-notice');
    if (box && notice.length) {
      box.textContent = notice.join(' ');
      box.hidden = false;
    }
    renderTabs();
    renderBoard();
    if (dp.current !== null) followSources();
  }

  // A pipeline id as the host hands it to the widget: a number, or a string with the switch.
  function handOut(id) {
    return dp.idAs === 'string' ? String(id) : id;
  }

  async function loadPipelines() {
    var token = settings.token;
    if (!token) throw new Error('no token is saved in the widget settings');
    var response = await fetch('/api/v4/leads/pipelines', {
      headers: { Authorization: 'Bearer ' + token, Accept: 'application/hal+json' },
      cache: 'no-store'
    });
    if (response.status !== 200) throw new Error('HTTP ' + response.status);
    var data = await response.json();
    var list = data && data._embedded && data._embedded.pipelines;
    if (!Array.isArray(list) || !list.length) throw new Error('no pipelines in the answer');
    return list.map(function (p) {
      var statuses = (p._embedded && p._embedded.statuses) || [];
      return {
        id: Number(p.id),
        name: String(p.name),
        is_main: !!p.is_main,
        is_archive: !!p.is_archive,
        statuses: statuses.slice().sort(function (a, b) { return (a.sort || 0) - (b.sort || 0); })
      };
    });
  }

  // Reads the pipeline's sources, then asks again with the version it got: the sandbox
  // answers that request when the sources change. A failed read is shown and tried again.
  async function followSources() {
    var since = null;
    for (;;) {
      var url = '/__sandbox/host/sources?pipeline_id=' + encodeURIComponent(dp.current) +
        (since === null ? '' : '&since=' + encodeURIComponent(since));
      try {
        var answer = await getJson(url);
        since = answer.version;
        dp.sources = answer;
      } catch (e) {
        since = null;
        dp.sources = { error: describe(e) };
        renderSourceList();
        await new Promise(function (resolve) { setTimeout(resolve, 2000); });
        continue;
      }
      renderSourceList();
    }
  }

  function renderTabs() {
    var nav = document.getElementById('dp-pipelines');
    if (!nav) return;
    nav.textContent = '';
    dp.pipelines.forEach(function (p) {
      var a = el('a', null, p.name);
      a.href = '/leads/pipeline/' + p.id + '/settings';
      if (p.id === dp.current) a.setAttribute('aria-current', 'page');
      if (p.is_archive) a.appendChild(el('span', 'dp-tabs__archived', 'archived'));
      nav.appendChild(a);
    });
  }

  function currentPipeline() {
    return dp.pipelines.filter(function (p) { return p.id === dp.current; })[0] || null;
  }

  function renderBoard() {
    var board = document.getElementById('dp-board');
    if (!board) return;
    // A redrawn control keeps the focus it had, as a page that updates in place would.
    var active = document.activeElement;
    var focusedId = active && board.contains(active) ? active.id : '';
    board.textContent = '';
    var pipeline = currentPipeline();
    // Won and lost (142, 143) close the pipeline; Digital Pipeline shows the working stages.
    var stages = pipeline && pipeline.statuses.length
      ? pipeline.statuses.filter(function (s) { return s.id !== 142 && s.id !== 143; })
      : DEFAULT_STAGES.map(function (name) { return { name: name }; });
    stages.forEach(function (stage, index) {
      var column = el('section', 'dp-stage');
      column.style.setProperty('--stage-color', stage.color || STAGE_COLORS[Math.min(index, STAGE_COLORS.length - 1)]);
      column.appendChild(el('h3', 'dp-stage__head', String(stage.name)));
      var content = el('div', 'dp-stage__body');
      if (index === 0) renderSources(content);
      else content.appendChild(el('div', 'dp-stage__empty', 'No automations'));
      column.appendChild(content);
      board.appendChild(column);
    });
    var again = focusedId && document.getElementById(focusedId);
    if (again) again.focus();
  }

  function renderSources(content) {
    content.appendChild(el('div', 'dp-sources__title', 'Lead sources'));
    if (dp.attached.indexOf(dp.current) >= 0) {
      var item = el('div', 'dp-source');
      item.id = 'dp-source-tile-' + CODE;
      var open = el('button', 'dp-source__open');
      open.type = 'button';
      var logo = el('img');
      logo.alt = '';
      setLogo(logo, 'logo_min.png');
      open.appendChild(logo);
      open.appendChild(el('span', null, text('widget.name', CODE)));
      open.addEventListener('click', function () { openSource(); });
      var remove = el('button', 'dp-source__remove', '\u00d7');
      remove.type = 'button';
      remove.setAttribute('aria-label', 'Remove ' + text('widget.name', CODE) + ' from this pipeline');
      remove.addEventListener('click', function () { detachSource(dp.current); });
      item.appendChild(open);
      item.appendChild(remove);
      content.appendChild(item);
    }
    var list = el('div', 'dp-sources');
    list.id = 'dp-sources';
    content.appendChild(list);
    renderSourceList(list);
    var add = el('button', 'button-input dp-add-source', '+ Add source');
    add.type = 'button';
    add.id = 'dp-add-source';
    add.addEventListener('click', function () { openPicker(add); });
    content.appendChild(add);
  }

  // The integration's sources in this pipeline, as text, into `box` (the board's list).
  function renderSourceList(box) {
    box = box || document.getElementById('dp-sources');
    if (!box) return;
    box.textContent = '';
    var answer = dp.sources;
    if (!answer) return;
    if (answer.error) {
      box.appendChild(el('p', 'dp-sources__note', 'The sources could not be read: ' + answer.error));
      return;
    }
    if (!answer.known) {
      box.appendChild(el('p', 'dp-sources__note', 'The token in the widget settings is not one of this sandbox\u2019s integrations.'));
      return;
    }
    if (!answer.sources.length) {
      box.appendChild(el('p', 'dp-sources__note', 'No sources of ' + text('widget.name', CODE) + ' in this pipeline.'));
      return;
    }
    var ul = el('ul', 'dp-sources__list');
    ul.setAttribute('aria-label', 'Sources of ' + text('widget.name', CODE));
    answer.sources.forEach(function (s) {
      var li = el('li', 'dp-sources__item');
      li.setAttribute('data-source-id', String(s.id));
      li.appendChild(el('span', 'dp-sources__name', s.name));
      li.appendChild(el('code', 'dp-sources__ext', s.external_id));
      if (s.default) li.appendChild(el('span', 'dp-sources__default', 'default'));
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function openPicker(opener) {
    if (modal) modal.close();
    var dialog = openDialog('add-source', opener, null);
    var title = el('h2', 'widget_settings_block__title', 'Add source');
    title.id = dialog.titleId;
    dialog.body.appendChild(title);
    var list = el('div', 'dp-picker');
    var choice = el('button', 'dp-picker__item');
    choice.type = 'button';
    choice.setAttribute('data-code', CODE);
    var logo = el('img');
    logo.alt = '';
    setLogo(logo, 'logo_min.png');
    var label = el('span');
    label.appendChild(el('strong', null, text('widget.name', CODE)));
    label.appendChild(el('div', 'widget-tile__descr', text('widget.short_description', '')));
    choice.appendChild(logo);
    choice.appendChild(label);
    choice.addEventListener('click', function () {
      dialog.close();
      addAsSource(dp.current);
    });
    list.appendChild(choice);
    dialog.body.appendChild(list);
    dialog.focusFirst();
  }

  async function addAsSource(pipelineId) {
    var id = pipelineId === undefined || pipelineId === null ? dp.current : Number(pipelineId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error('addAsSource needs a pipeline id');
    var answer = await postJson('/__sandbox/host/attachments', { pipeline_id: id, attached: true });
    dp.attached = answer.pipelines || [];
    dp.context = id;
    renderBoard();
    var ok = enterPipeline();
    if (ok) invoke('onAddAsSource', [handOut(id)]);
    return ok;
  }

  // Clicking the attached source enters the area again; what the widget shows is its own.
  function openSource() {
    if (dp.attached.indexOf(dp.current) < 0) throw new Error('The widget is not attached to this pipeline');
    dp.context = dp.current;
    return enterPipeline();
  }

  // The area is entered with nothing given to render into: whatever the widget adds to the
  // page from here on is counted as its own when the area is left.
  function enterPipeline() {
    var ok = enter('digital_pipeline');
    dp.before = Array.prototype.slice.call(body.children);
    return ok;
  }

  // Leaves the area (as navigating away does) and counts what the widget left on the page.
  function closeSource() {
    if (entered !== 'digital_pipeline') return false;
    leave();
    var before = dp.before || [];
    host.residue = Array.prototype.filter.call(body.children, function (node) {
      return before.indexOf(node) < 0;
    }).length;
    return true;
  }

  async function detachSource(pipelineId) {
    var id = pipelineId === undefined || pipelineId === null ? dp.current : Number(pipelineId);
    closeSource();
    var answer = await postJson('/__sandbox/host/attachments', { pipeline_id: id, attached: false });
    dp.attached = answer.pipelines || [];
    if (dp.context === id) dp.context = null;
    renderBoard();
    var add = document.getElementById('dp-add-source');
    if (add) add.focus();
    return true;
  }

  // ---------------------------------------------------------------- $authorizedAjax

  // jQuery ajax with Kommo's X-Auth-Token: an HS256 JWT signed with the integration's client
  // secret. The server makes it (as Kommo's does), for the user the host shows, so the
  // secret never reaches the page.
  function authorizedAjax(options) {
    var deferred = $.Deferred();
    fetch('/__sandbox/host/x-auth-token', { method: 'POST' }).then(function (r) {
      if (!r.ok) throw new Error('X-Auth-Token: HTTP ' + r.status);
      return r.json();
    }).then(function (answer) {
      var opts = $.extend({}, options);
      opts.headers = $.extend({}, options && options.headers, { 'X-Auth-Token': answer.token });
      $.ajax(opts).then(function () {
        deferred.resolveWith(this, arguments);
      }, function () {
        deferred.rejectWith(this, arguments);
      });
    }, function (e) {
      deferred.reject(null, 'error', describe(e));
    });
    return deferred.promise();
  }


  // ---------------------------------------------------------------- helpers

  function chooseLang() {
    var fromUrl = new URLSearchParams(location.search).get('lang');
    var stored = null;
    try {
      if (LANGS.indexOf(fromUrl) >= 0) sessionStorage.setItem(LANG_KEY, fromUrl);
      stored = sessionStorage.getItem(LANG_KEY);
    } catch (e) {
      stored = null;
    }
    if (LANGS.indexOf(fromUrl) >= 0) return fromUrl;
    return LANGS.indexOf(stored) >= 0 ? stored : 'en';
  }

  function markChrome() {
    document.documentElement.lang = lang;
    var nav = PAGE === 'advanced' ? 'settings' : PAGE;
    var current = document.querySelector('[data-nav="' + nav + '"]');
    if (current) current.setAttribute('aria-current', 'page');
    var link = document.querySelector('[data-lang="' + lang + '"]');
    if (link) link.setAttribute('aria-current', 'true');
  }

  function hostError(message) {
    host.errors.push(message);
    var box = document.getElementById('host-errors');
    if (!box) return;
    box.appendChild(el('p', null, message));
    box.hidden = false;
  }

  function whenReady(fn) {
    return function () {
      var args = arguments;
      return host.ready.then(function (loaded) {
        if (!loaded) throw new Error('The widget is not loaded on this page');
        return fn.apply(null, args);
      });
    };
  }

  function onlyOn(page, hook) {
    if (PAGE !== page) throw new Error('__host.' + hook + ' works on the ' + page + ' page, this is ' + PAGE);
  }

  async function getJson(url) {
    var response = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) throw new Error('GET ' + url.split('?')[0] + ' answered HTTP ' + response.status);
    return response.json();
  }

  async function postJson(url, value) {
    var response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(value),
      credentials: 'same-origin'
    });
    if (!response.ok) throw new Error('POST ' + url + ' answered HTTP ' + response.status);
    return response.json();
  }

  function setLogo(img, file) {
    if (!img) return;
    img.src = PATH + '/images/' + file + '?v=' + encodeURIComponent(version);
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = content;
    return node;
  }

  function copy(object) {
    var out = {};
    Object.keys(object).forEach(function (k) { out[k] = object[k]; });
    return out;
  }

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
  }

  function describe(e) {
    if (e && typeof e.message === 'string') return e.message;
    return describeValue(e);
  }

  function describeValue(v) {
    if (v === undefined) return 'undefined';
    try {
      var json = JSON.stringify(v);
      return json === undefined ? String(v) : json.slice(0, 200);
    } catch (err) {
      return String(v);
    }
  }
})();
