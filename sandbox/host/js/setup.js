/* The sandbox host: does for the widget what Kommo's pages do.
 *
 * It loads script.js with RequireJS, builds the widget object (the base API on its prototype,
 * the module's constructor run on it), and drives the callbacks of each area:
 *   settings modal (/settings/widgets), advanced settings (/settings/widgets/<code>/advanced),
 *   Digital Pipeline (/leads/pipeline/<id>/settings).
 * One widget object lives per page load; entering an area calls render, init, bind_actions and
 * the area's callback, leaving it calls destroy. Test hooks are on window.__host.
 * Everything from the widget or the server is written with textContent, never as HTML.
 * The files in this folder share one function scope: the sandbox serves them joined, in the
 * order sandbox/src/host/mod.rs lists them, as /host-assets/host.js.
 */

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
