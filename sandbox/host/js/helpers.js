// Helpers every part uses: the language, errors shown by the host, JSON requests, DOM nodes,
// descriptions of values.

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
