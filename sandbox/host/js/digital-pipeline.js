// Digital Pipeline (/leads/pipeline/<id>/settings): the pipelines, the board, the
// integration's sources, and the widget as a lead source.

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
