//! The wasm-bindgen surface (`mount`, `unmount`, and what the loader calls: `mount_in`,
//! `open_panel`, `destroy`) and the browser side of the widget: the DOM patcher, events,
//! effects and the mounted apps.

pub mod app;
pub mod config;
pub mod dom;
mod effects;
mod events;
pub mod loader;
pub mod save;
mod template;

/// The module's memory allocator: talc, a drop-in for the default dlmalloc that renders
/// as fast with 6.9 KB less code.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use crate::app::{Mode, Msg, State};
use crate::client::Client;
use crate::i18n::Lang;
use crate::rules::DEFAULT_LIMIT;
use crate::transport::fetch::{BrowserClock, FetchTransport, Token};
use crate::transport::relay::RelayTransport;
use crate::transport::Transport;
use app::AppRef;
use config::MountConfig;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

/// A mounted app, with what the loader handed over with it.
struct Mounted {
    id: u32,
    app: AppRef,
    /// The element it was mounted into.
    root: Element,
    /// The host's widget object that mounted it through the loader; `undefined` otherwise.
    owner: JsValue,
    /// What leaves the page with it: the root the loader showed, or the panel's own layer.
    shown: Option<Element>,
    /// Whether it is the Digital Pipeline panel.
    panel: bool,
}

thread_local! {
    static APPS: RefCell<Vec<Mounted>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

/// Reports panics to the browser console with their message.
#[wasm_bindgen(start)]
pub fn init() {
    console_error_panic_hook::set_once();
}

/// Mounts the widget into `el` and returns the id for [`unmount`].
///
/// `config` is a [`MountConfig`]: `{mode: "settings"|"advanced"|"pipeline", lang, ui,
/// settings (what `get_settings()` returned), pipeline_id?, add?, origin?, relay?, ajax?,
/// close?}`. With `relay`, requests go through `ajax` to the integration's relay.
#[wasm_bindgen]
pub fn mount(el: Element, config: JsValue) -> Result<u32, JsValue> {
    let config = MountConfig::from_js(config)?;
    let transport: Rc<dyn Transport> = match &config.relay {
        Some(base) => {
            let ajax = config
                .ajax
                .clone()
                .dyn_into::<js_sys::Function>()
                .map_err(|_| {
                    JsValue::from_str(
                        "mount: relay mode needs `ajax`, the widget's $authorizedAjax",
                    )
                })?;
            Rc::new(RelayTransport::new(base.clone(), ajax))
        }
        None => direct(&el, &config)?,
    };
    Ok(mount_with(el, config, transport))
}

/// Direct mode: gloo-net to `origin` (the page's own by default) with the long-lived token
/// of the settings, or of the modal's token field while it is being tested.
fn direct(el: &Element, config: &MountConfig) -> Result<Rc<dyn Transport>, JsValue> {
    let settings = config.settings.as_ref();
    let saved = settings.and_then(|s| s.token.clone()).unwrap_or_default();
    let token = match modal_token_field(el, config.mode.into()) {
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
    Ok(Rc::new(FetchTransport::new(origin, token)))
}

/// Mounts with any transport (the relay's, or a test's); see [`mount`].
pub fn mount_with(el: Element, config: MountConfig, transport: Rc<dyn Transport>) -> u32 {
    let mode: Mode = config.mode.into();
    let lang = Lang::from_code(&config.lang);
    let limit = config
        .settings
        .as_ref()
        .and_then(|s| s.limit)
        .map_or(DEFAULT_LIMIT, |n| n as usize);
    let pipeline = config.pipeline_id.filter(|_| mode == Mode::Pipeline);
    let close = config.close.dyn_into::<js_sys::Function>().ok();
    let client = Client::new(transport, BrowserClock);
    let mut state = State::new(mode, lang, limit, pipeline);
    state.relay = config.relay.is_some();
    state.traffic = app::session_traffic();
    state.install_source = config
        .settings
        .as_ref()
        .and_then(|s| s.install_source.clone());
    state.widget_code = config.settings.as_ref().and_then(|s| s.widget_code.clone());
    let add = pipeline.filter(|_| config.add).map(Msg::AddAsSource);
    let app = app::start(&el, state, client, close, config.ui, add);
    if config.relay.is_none() {
        if let Some(field) = modal_token_field(&el, mode) {
            app::watch(&app, &field, "input", Msg::TokenEdited);
        }
    }
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    APPS.with(|a| {
        a.borrow_mut().push(Mounted {
            id,
            app,
            root: el,
            owner: JsValue::UNDEFINED,
            shown: None,
            panel: false,
        })
    });
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
    unmount_where(|m| id == 0 || m.id == id);
}

/// Unmounts every app `pick` chooses, in mount order, and takes what the loader showed for
/// it off the page.
fn unmount_where(pick: impl Fn(&Mounted) -> bool) {
    while let Some(m) = APPS.with(|a| {
        let mut a = a.borrow_mut();
        let k = a.iter().position(&pick)?;
        Some(a.remove(k))
    }) {
        app::stop(&m.app);
        if let Some(shown) = m.shown {
            shown.remove();
        }
    }
}

/// Turns the Digital Pipeline panel `id` to `pipeline_id` (a number or a string of
/// digits); with `add`, the host has just added the widget as a source there.
fn open_pipeline(id: u32, pipeline_id: JsValue, add: bool) {
    let Some(pid) = config::pipeline_id(pipeline_id) else {
        return;
    };
    let app = APPS.with(|a| {
        a.borrow()
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.app.clone())
    });
    if let Some(app) = app {
        let msg = if add {
            Msg::AddAsSource(pid)
        } else {
            Msg::ShowPipeline(pid)
        };
        app::dispatch(&app, msg);
    }
}

/// How many apps are mounted, for tests that check nothing is left behind.
pub fn mounted_count() -> usize {
    APPS.with(|a| a.borrow().len())
}
