// The advanced settings page (/settings/widgets/<code>/advanced).

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
