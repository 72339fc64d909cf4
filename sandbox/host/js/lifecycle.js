// The lifecycle: calling the widget's callbacks, entering and leaving an area.

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
