//! DOM events of a mounted app: delegated listeners on its root, owned as `Closure`s, and
//! the decoding of an event into what the reducer's event table needs.

use crate::app::event::Kind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventTarget, File, HtmlElement, HtmlInputElement, KeyboardEvent};

/// The event types the widget listens to on its root.
const TYPES: [&str; 4] = ["click", "input", "change", "keydown"];

/// Controls that take focus inside a dialog, for keeping Tab there.
const FOCUSABLE: &str = "button:not([disabled]),input:not([disabled]),select";

/// A listener's callback, owned on the Rust side.
type Handler = Closure<dyn FnMut(Event)>;

/// The listeners of one root; dropping them removes them from the page.
pub struct Listeners {
    root: Element,
    handlers: Vec<(&'static str, Handler)>,
}

impl Listeners {
    /// Listens for the widget's events on `root`, handing each to `on`.
    pub fn attach(root: &Element, on: impl Fn(Event) + 'static) -> Listeners {
        let on = std::rc::Rc::new(on);
        let mut handlers = Vec::with_capacity(TYPES.len());
        for ty in TYPES {
            let on = on.clone();
            let cb = Handler::new(move |e: Event| on(e));
            let _ = root.add_event_listener_with_callback(ty, cb.as_ref().unchecked_ref());
            handlers.push((ty, cb));
        }
        Listeners {
            root: root.clone(),
            handlers,
        }
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (ty, cb) in &self.handlers {
            let _ = self
                .root
                .remove_event_listener_with_callback(ty, cb.as_ref().unchecked_ref());
        }
    }
}

/// A listener on a target outside the widget's root (the page's window, a field of the
/// host's), owned as a `Closure`; dropping it removes it.
pub struct Watch {
    target: EventTarget,
    ty: &'static str,
    handler: Handler,
}

impl Watch {
    /// Listens for `ty` on `target`, handing each event to `on`.
    pub fn on(
        target: &EventTarget,
        ty: &'static str,
        on: impl FnMut(Event) + 'static,
    ) -> Option<Watch> {
        let handler = Handler::new(on);
        target
            .add_event_listener_with_callback(ty, handler.as_ref().unchecked_ref())
            .ok()?;
        Some(Watch {
            target: target.clone(),
            ty,
            handler,
        })
    }

    /// Leaving the page (reload, closing the tab) asks first while `unsaved` says there is
    /// work to lose.
    pub fn leaving(unsaved: impl Fn() -> bool + 'static) -> Option<Watch> {
        let window = web_sys::window()?;
        Watch::on(&window, "beforeunload", move |e: Event| {
            if unsaved() {
                // The browser shows its own question; the text is not ours to set.
                e.prevent_default();
                if let Some(e) = e.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                    e.set_return_value("unsaved");
                }
            }
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let f = self.handler.as_ref().unchecked_ref();
        let _ = self.target.remove_event_listener_with_callback(self.ty, f);
    }
}

/// What a DOM event means to the widget.
pub enum Input {
    /// Escape was pressed.
    Escape,
    /// A control marked with an action was used.
    Control(Control),
    /// A file was chosen in the import control.
    ImportFile(File),
}

/// A control's event, reduced to its marks and state.
pub struct Control {
    /// Event kind.
    pub kind: Kind,
    /// The control's `data-a`.
    pub act: String,
    /// The nearest `data-k` (row key), or empty.
    pub key: String,
    /// The control's `data-i` (page index), or empty.
    pub idx: String,
    /// The control's value.
    pub value: String,
    /// The control's checked state.
    pub checked: bool,
}

/// Decodes `e` inside `root`; `import` is the action of the import file control. Tab inside
/// an open dialog is handled here: focus goes round from its last control to its first.
pub fn decode(root: &Element, e: &Event, import: &str) -> Option<Input> {
    let target: Element = e.target()?.dyn_into().ok()?;
    let kind = match e.type_().as_str() {
        "click" => Kind::Click,
        "input" => Kind::Input,
        "change" => Kind::Change,
        "keydown" => {
            let k: &KeyboardEvent = e.dyn_ref()?;
            match k.key().as_str() {
                "Escape" => return Some(Input::Escape),
                "Tab" => {
                    trap_tab(root, k);
                    return None;
                }
                // Enter on a button already clicks it; Shift+Enter in a text area is a new line.
                "Enter" if target.tag_name() == "INPUT" => Kind::Enter,
                "Enter" if target.tag_name() == "TEXTAREA" && !k.shift_key() => Kind::Enter,
                _ => return None,
            }
        }
        _ => return None,
    };
    let control = target.closest("[data-a]").ok()??;
    if !root.contains(Some(&control)) {
        return None;
    }
    let act = control.get_attribute("data-a").unwrap_or_default();
    let input = control.dyn_ref::<HtmlInputElement>();
    if act == import {
        if kind != Kind::Change {
            return None;
        }
        let input = input?;
        let file = input.files().and_then(|f| f.get(0));
        // Cleared once taken, so the same file can be picked again after a fix.
        input.set_value("");
        return file.map(Input::ImportFile);
    }
    let key = control
        .closest("[data-k]")
        .ok()
        .flatten()
        .filter(|r| root.contains(Some(r)))
        .and_then(|r| r.get_attribute("data-k"))
        .unwrap_or_default();
    let value = if let Some(i) = input {
        i.value()
    } else if let Some(s) = control.dyn_ref::<web_sys::HtmlSelectElement>() {
        s.value()
    } else if let Some(t) = control.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.value()
    } else {
        String::new()
    };
    Some(Input::Control(Control {
        kind,
        act,
        key,
        idx: control.get_attribute("data-i").unwrap_or_default(),
        value,
        checked: input.is_some_and(HtmlInputElement::checked),
    }))
}

/// Keeps Tab inside the open dialog, or else inside the Digital Pipeline panel.
fn trap_tab(root: &Element, k: &KeyboardEvent) {
    let find = |sel: &str| root.query_selector(sel).ok().flatten();
    let Some(dlg) = find(".ksm-dlg").or_else(|| find(".ksm-side")) else {
        return;
    };
    let Ok(list) = dlg.query_selector_all(FOCUSABLE) else {
        return;
    };
    let n = list.length();
    if n == 0 {
        return;
    }
    let back = k.shift_key();
    let active = root.owner_document().and_then(|d| d.active_element());
    let edge = list.get(if back { 0 } else { n - 1 });
    let outside = !active.as_ref().is_some_and(|a| dlg.contains(Some(a)));
    let at_edge = match (&active, &edge) {
        (Some(a), Some(e)) => a.is_same_node(Some(e)),
        _ => false,
    };
    if outside || at_edge {
        k.prevent_default();
        let to = list.get(if back { n - 1 } else { 0 });
        if let Some(el) = to.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }
}
