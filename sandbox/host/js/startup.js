// Start-up: the manifest, the locale, the saved settings, then the widget object built as
// Kommo builds it (its base API on the prototype).

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
