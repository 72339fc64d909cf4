// The settings modal (/settings/widgets): the tile, the manifest's fields, Save and Cancel,
// and the modal dialog the Digital Pipeline picker opens too.

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
