//! The wasm-bindgen surface (`mount`, `unmount`, `on_add_as_source`) and the browser side
//! of the widget: the DOM patcher, events, effects and the mounted apps.

pub mod app;
pub mod config;
pub mod dom;
mod effects;
mod events;

use crate::app::{Mode, Msg, State};
use crate::client::Client;
use crate::i18n::Lang;
use crate::rules::DEFAULT_LIMIT;
use crate::transport::fetch::{BrowserClock, FetchTransport, Token};
use crate::transport::Transport;
use app::AppRef;
use config::MountConfig;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

thread_local! {
    static APPS: RefCell<Vec<(u32, AppRef)>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

/// Reports panics to the browser console with their message.
#[wasm_bindgen(start)]
pub fn init() {
    console_error_panic_hook::set_once();
}

/// Mounts the widget into `el` and returns the id for [`unmount`] and [`on_add_as_source`].
///
/// `config` is a [`MountConfig`]: `{mode: "settings"|"advanced"|"add_source", lang, ui,
/// settings (what `get_settings()` returned), pipeline_id?, origin?, close?}`.
#[wasm_bindgen]
pub fn mount(el: Element, config: JsValue) -> Result<u32, JsValue> {
    let config = MountConfig::from_js(config)?;
    let settings = config.settings.as_ref();
    let saved = settings.and_then(|s| s.token.clone()).unwrap_or_default();
    let token = match modal_token_field(&el, config.mode.into()) {
        Some(input) => Token::Field(input, saved),
        None => Token::Saved(saved),
    };
    let origin = match &config.origin {
        Some(o) => o.clone(),
        None => web_sys::window()
            .ok_or_else(|| JsValue::from_str("mount: no window"))?
            .location()
            .origin()?,
    };
    let transport: Rc<dyn Transport> = Rc::new(FetchTransport::new(origin, token));
    Ok(mount_with(el, config, transport))
}

/// Mounts with any transport (the relay's, or a test's); see [`mount`].
pub fn mount_with(el: Element, config: MountConfig, transport: Rc<dyn Transport>) -> u32 {
    let mode: Mode = config.mode.into();
    let lang = Lang::from_code(&config.lang);
    if let Some(table) = &config.ui {
        crate::i18n::load(lang, |k| table.get(k).cloned());
    }
    let limit = config
        .settings
        .as_ref()
        .and_then(|s| s.limit)
        .map_or(DEFAULT_LIMIT, |n| n as usize);
    let add = config.pipeline_id.filter(|_| mode == Mode::AddSource);
    let close = config.close.dyn_into::<js_sys::Function>().ok();
    let client = Client::new(transport, BrowserClock);
    let mut state = State::new(mode, lang, limit, add);
    state.install_source = config
        .settings
        .as_ref()
        .and_then(|s| s.install_source.clone());
    let app = app::start(&el, state, client, close);
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    APPS.with(|a| a.borrow_mut().push((id, app)));
    id
}

/// The settings modal's token field, when the widget is mounted in that modal: a token
/// pasted there can be tested before it is saved.
fn modal_token_field(el: &Element, mode: Mode) -> Option<HtmlInputElement> {
    if mode != Mode::Settings {
        return None;
    }
    let scope = el.closest(".modal, .modal-body, body").ok()??;
    scope
        .query_selector("input[name=\"token\"]")
        .ok()??
        .dyn_into()
        .ok()
}

/// Unmounts the app `id` (or every app when `id` is 0): listeners, timers and nodes go.
#[wasm_bindgen]
pub fn unmount(id: u32) {
    while let Some(app) = APPS.with(|a| {
        let mut a = a.borrow_mut();
        let k = a.iter().position(|(i, _)| id == 0 || *i == id)?;
        Some(a.remove(k).1)
    }) {
        app::stop(&app);
    }
}

/// Tells mounted app `id` that the host attached the widget as a source of `pipeline_id`.
#[wasm_bindgen]
pub fn on_add_as_source(id: u32, pipeline_id: f64) {
    let app = APPS.with(|a| {
        a.borrow()
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, x)| x.clone())
    });
    if let Some(app) = app {
        app::dispatch(&app, Msg::AddAsSource(pipeline_id as u64));
    }
}

/// How many apps are mounted, for tests that check nothing is left behind.
pub fn mounted_count() -> usize {
    APPS.with(|a| a.borrow().len())
}
