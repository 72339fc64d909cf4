//! What widget/script.js hands over once the wasm is in: the host's widget object, the root
//! it showed while the wasm loaded and, for the Digital Pipeline panel, its layer. From then
//! on the apps of each widget object live here: what they are mounted with (read from the
//! widget object), a root the host dropped, the panel turned to another pipeline or closed,
//! and the host's destroy.

use super::{mount, open_pipeline, unmount_where, Mounted, APPS};
use js_sys::{Array, Function, Object, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Mounts the app the loader showed `root` for. `how` is what the loader knows of it:
/// `{mode, layer?, back?, asks?}`, for the panel its layer, the element focus goes back to
/// when it closes, and the `[pipeline_id, add]` asked for while the wasm loaded, oldest
/// first; `relay` is the integration's relay, empty in direct mode.
#[wasm_bindgen]
pub fn mount_in(
    widget: JsValue,
    root: Element,
    how: JsValue,
    relay: String,
) -> Result<(), JsValue> {
    prune(&widget);
    let layer = get(&how, "layer").dyn_into::<Element>().ok();
    let shown = layer.clone().unwrap_or_else(|| root.clone());
    if !root.is_connected() {
        // The host took it off the page while the wasm loaded.
        shown.remove();
        return Ok(());
    }
    let system = or_empty(call(&widget, "system")?);
    let config = Object::new();
    set(&config, "mode", &get(&how, "mode"))?;
    set(&config, "lang", &lang(&widget, &system))?;
    set(&config, "ui", &table(&widget, "ui")?)?;
    set(
        &config,
        "settings",
        &or_empty(call(&widget, "get_settings")?),
    )?;
    let id = Rc::new(Cell::new(0));
    if layer.is_some() {
        let (pipeline_id, add) = asked(&get(&how, "asks"));
        set(&config, "pipeline_id", &pipeline_id)?;
        set(&config, "add", &add.into())?;
        set(&config, "close", &closer(id.clone(), get(&how, "back")))?;
    }
    if !relay.is_empty() {
        set(&config, "relay", &relay.into())?;
        set(&config, "ajax", &ajax(widget.clone()))?;
    }
    id.set(mount(root, config.into())?);
    APPS.with(|a| {
        if let Some(m) = a.borrow_mut().iter_mut().find(|m| m.id == id.get()) {
            m.owner = widget;
            m.panel = layer.is_some();
            m.shown = Some(shown);
        }
    });
    Ok(())
}

/// Turns the widget object's Digital Pipeline panel to `pipeline_id` (with `add`, the host
/// has just added the widget as a source there); `false` when it has no panel mounted, for
/// the loader to open one.
#[wasm_bindgen]
pub fn open_panel(widget: JsValue, pipeline_id: JsValue, add: bool) -> bool {
    prune(&widget);
    let panel = APPS.with(|a| {
        let a = a.borrow();
        a.iter()
            .find(|m| m.panel && owned_by(m, &widget))
            .map(|m| m.id)
    });
    if let Some(id) = panel {
        open_pipeline(id, pipeline_id, add);
    }
    panel.is_some()
}

/// The host's destroy: every app of the widget object leaves the page.
#[wasm_bindgen]
pub fn destroy(widget: JsValue) {
    unmount_where(|m| owned_by(m, &widget));
}

/// Unmounts the widget object's apps whose root is gone: Kommo may drop a modal's DOM
/// without calling destroy.
fn prune(widget: &JsValue) {
    unmount_where(|m| owned_by(m, widget) && !m.root.is_connected());
}

/// Whether `widget` is the widget object that mounted `m`.
pub(super) fn owned_by(m: &Mounted, widget: &JsValue) -> bool {
    Object::is(&m.owner, widget)
}

/// The pipeline the panel opens on and whether it offers a new source there, from what was
/// asked while the wasm loaded: the latest pipeline unless an add came before it and it is
/// not one, and an add, once asked, is kept.
fn asked(asks: &JsValue) -> (JsValue, bool) {
    let mut pipeline = JsValue::UNDEFINED;
    let mut add = false;
    for ask in Array::from(asks).iter() {
        let ask = Array::from(&ask);
        let this_add = ask.get(1).is_truthy();
        if this_add || !add {
            pipeline = ask.get(0);
        }
        add |= this_add;
    }
    (pipeline, add)
}

/// What the panel calls to close itself: it leaves the page with its layer, and focus goes
/// back to where it was when the panel opened.
fn closer(id: Rc<Cell<u32>>, back: JsValue) -> JsValue {
    Closure::<dyn Fn()>::new(move || {
        let id = id.get();
        unmount_where(|m| m.id == id);
        let can_focus = back.is_truthy() && get(&back, "isConnected").is_truthy();
        if let (true, Ok(focus)) = (can_focus, get(&back, "focus").dyn_into::<Function>()) {
            let _ = focus.call0(&back);
        }
    })
    .into_js_value()
}

/// The widget's `$authorizedAjax`, looked up at each call: the host may set it after mount.
fn ajax(widget: JsValue) -> JsValue {
    Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(move |options: JsValue| {
        let send = get(&widget, "$authorizedAjax")
            .dyn_into::<Function>()
            .map_err(|_| js_sys::TypeError::new("$authorizedAjax is not a function"))?;
        send.call1(&widget, &options)
    })
    .into_js_value()
}

/// The host's language code: the system's, the widget's i18n table's, the browser's, else
/// `en`, as text.
fn lang(widget: &JsValue, system: &JsValue) -> JsValue {
    let langs = get(widget, "langs");
    let of_langs = if langs.is_truthy() {
        get(&langs, "lang")
    } else {
        langs
    };
    let browser = web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(JsValue::UNDEFINED, JsValue::from);
    let code = [get(system, "lang"), of_langs, browser]
        .into_iter()
        .find(JsValue::is_truthy)
        .unwrap_or_else(|| JsValue::from_str("en"));
    match code.as_string() {
        Some(_) => code,
        None => code.unchecked_into::<Object>().to_string().into(),
    }
}

/// The host's i18n table `key` (`ui`: the UI texts): what its `i18n` gives, else its `langs`
/// entry, when that is an object; `null` otherwise.
fn table(widget: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    let object = |t: &JsValue| t.is_truthy() && t.is_object();
    let mut t = match get(widget, "i18n").dyn_ref::<Function>() {
        Some(i18n) => i18n.call1(widget, &JsValue::from_str(key))?,
        None => JsValue::NULL,
    };
    if !object(&t) {
        let langs = get(widget, "langs");
        t = if langs.is_truthy() {
            get(&langs, key)
        } else {
            langs
        };
    }
    Ok(if object(&t) { t } else { JsValue::NULL })
}

/// `widget[name]()` when the host gives that method, else `null`.
fn call(widget: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    match get(widget, name).dyn_into::<Function>() {
        Ok(method) => method.call0(widget),
        Err(_) => Ok(JsValue::NULL),
    }
}

/// `value`, or an empty object when it is falsy.
fn or_empty(value: JsValue) -> JsValue {
    if value.is_truthy() {
        value
    } else {
        Object::new().into()
    }
}

/// `value[key]`, or `undefined` when it cannot be read.
fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Sets `object[key]`.
fn set(object: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(object, &JsValue::from_str(key), value).map(drop)
}
