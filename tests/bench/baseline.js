/* The benchmark's baseline: a minimal hand-written renderer of the same sources table, loaded by
 * the host exactly as the widget's script.js is (the benchmark serves it in its place). It asks
 * the same API for the same data and builds the same row markup with plain DOM calls, so the
 * widget's render time can be compared with the least any code could spend on it. */
define([], function () {
  'use strict';

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function button(cls, act, text) {
    var b = el('button', cls, text);
    b.type = 'button';
    b.setAttribute('data-a', act);
    return b;
  }

  function input(type, cls, act, label, value) {
    var i = el('input', cls);
    i.type = type;
    i.setAttribute('data-a', act);
    i.setAttribute('aria-label', label);
    if (value != null) i.setAttribute('value', value);
    return i;
  }

  function select(pipelines, current) {
    var label = el('label');
    var s = el('select', 'ksm-in ksm-in--s');
    s.setAttribute('data-a', 'pipe');
    s.setAttribute('aria-label', 'Pipeline');
    var known = false;
    for (var i = 0; i < pipelines.length; i++) {
      var p = pipelines[i];
      known = known || p.id === current;
      var o = el('option', null, p.is_archive ? p.name + ' (archived)' : p.name);
      o.value = String(p.id);
      s.appendChild(o);
    }
    if (!known) {
      var u = el('option', null, 'Unknown pipeline');
      u.value = String(current);
      s.appendChild(u);
    }
    s.value = String(current);
    label.appendChild(s);
    var archived = pipelines.some(function (p) { return p.id === current && p.is_archive; });
    if (archived) label.appendChild(el('span', 'ksm-tag ksm-tag--w', 'archived'));
    return label;
  }

  // Pipelines that arrive after the rows fill their selects in, as the widget's next render does.
  function fillPipelines(body, sources, pipelines) {
    for (var i = 0; i < sources.length; i++) {
      var td = body.children[i].children[3];
      td.replaceChild(select(pipelines, sources[i].pipeline_id), td.firstChild);
    }
  }

  function cell(child) {
    var td = el('td');
    td.appendChild(child);
    return td;
  }

  function row(src, pipelines) {
    var tr = el('tr');
    tr.setAttribute('data-k', 's' + src.id);
    var sel = input('checkbox', 'ksm-chk', 'sel', 'Select ' + src.name);
    tr.appendChild(cell(sel));
    var name = el('label');
    name.appendChild(input('text', 'ksm-in ksm-in--s', 'name', 'Name', src.name));
    tr.appendChild(cell(name));
    tr.appendChild(cell(el('span', 'ksm-code', src.external_id)));
    tr.appendChild(cell(select(pipelines, src.pipeline_id)));
    var def = input('checkbox', 'ksm-chk', 'default', 'Default');
    def.checked = !!src['default'];
    tr.appendChild(cell(def));
    var origin = el('label');
    origin.appendChild(input('text', 'ksm-in ksm-in--s', 'origin', 'Origin code', src.origin_code || ''));
    tr.appendChild(cell(origin));
    var pages = 0;
    (src.services || []).forEach(function (s) { pages += (s.pages || []).length; });
    tr.appendChild(cell(button('ksm-btn ksm-btn--s', 'wa', 'Pages (' + pages + ')')));
    var acts = el('div', 'ksm-acts');
    acts.appendChild(button('ksm-btn ksm-btn--s', 'copy', 'Copy JSON'));
    acts.appendChild(button('ksm-btn ksm-btn--s ksm-btn--d', 'del', 'Delete'));
    tr.appendChild(cell(acts));
    return tr;
  }

  function table(sources, pipelines) {
    var wrap = el('div', 'ksm-wrap');
    var t = el('table', 'ksm-table');
    var head = el('thead');
    var htr = el('tr');
    ['', 'Name', 'External ID', 'Pipeline', 'Default', 'Origin code', 'WhatsApp', ''].forEach(function (h) {
      htr.appendChild(el('th', null, h));
    });
    head.appendChild(htr);
    t.appendChild(head);
    var body = el('tbody');
    for (var i = 0; i < sources.length; i++) body.appendChild(row(sources[i], pipelines));
    t.appendChild(body);
    wrap.appendChild(t);
    return wrap;
  }

  return function () {
    var self = this;
    var root = null;

    function get(path) {
      var s = (typeof self.get_settings === 'function' && self.get_settings()) || {};
      return fetch(location.origin + path, {
        headers: { Accept: 'application/hal+json', Authorization: 'Bearer ' + (s.token || '') },
        credentials: 'omit', cache: 'no-store'
      }).then(function (res) {
        if (res.status === 204) return { _embedded: {} };
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      });
    }

    function css() {
      var params = self.params || {};
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = String(params.path || '') + '/style.css?v=' + encodeURIComponent(params.version || '0');
      document.head.appendChild(link);
    }

    this.callbacks = {
      render: function () { return true; },
      init: function () { return true; },
      bind_actions: function () { return true; },
      settings: function () { return true; },
      onSave: function () { return true; },
      advancedSettings: function () {
        var area = document.getElementById('work-area-sources_manager');
        if (!area) return true;
        css();
        root = el('div', 'ksm');
        area.appendChild(root);
        var pipelines = [];
        var shown = null;
        get('/api/v4/leads/pipelines').then(function (b) {
          pipelines = (b._embedded && b._embedded.pipelines) || [];
          if (shown) fillPipelines(shown.body, shown.sources, pipelines);
        }, function () {});
        // Every page of the list, following _links.next, as the widget reads it.
        var sources = [];
        var page = function (path) {
          return get(path).then(function (b) {
            sources = sources.concat((b && b._embedded && b._embedded.sources) || []);
            var next = b && b._links && b._links.next && b._links.next.href;
            if (!next) return sources;
            var u = new URL(next, location.href);
            return page(u.pathname + u.search);
          });
        };
        page('/api/v4/sources').then(function (all) {
          var wrap = table(all, pipelines);
          root.appendChild(wrap);
          shown = { body: wrap.querySelector('tbody'), sources: all };
        });
        return true;
      },
      destroy: function () {
        if (root) root.remove();
        root = null;
      }
    };
    return this;
  };
});
