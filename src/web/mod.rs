//! The wasm-bindgen surface (`mount`, `unmount`, `on_add_as_source`) and the mounted app:
//! delegated DOM events in, keyed patches out, effects run against the host.
//!
//! Every listener and timer belongs to the mounted app; `unmount` removes the listeners,
//! clears the timers and the DOM, and answers that arrive later find no app and are dropped.

pub mod dom;
pub mod js;

use crate::app::event::{to_msg, Ev, Kind};
use crate::app::{update, view::view, Call, Effect, Mode, Msg, Reply, State, Timer};
use crate::client::Client;
use crate::i18n::Lang;
use dom::{up_to, Tree};
use js::{JsClock, JsTransport};
use js_sys::{Function, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlElement, KeyboardEvent};

type Handler = Closure<dyn FnMut(Event)>;

struct Inner {
    state: State,
    doc: Document,
    root: Element,
    /// The rendered DOM; gone once unmounted.
    tree: Option<Tree>,
    listeners: Vec<(&'static str, Handler)>,
    /// Scheduled ticks: timeout handle, when it is due (ms), and the tick.
    timers: Vec<(i32, f64, Timer)>,
    /// The one JS function every timeout calls; owned here so unmount frees it.
    tick_fn: Option<Closure<dyn FnMut()>>,
    client: Rc<Client<JsTransport, JsClock>>,
    close: Option<Function>,
}

type AppRef = Rc<RefCell<Inner>>;

thread_local! {
    static APPS: RefCell<Vec<(u32, AppRef)>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

fn cfg_str(cfg: &JsValue, k: &str) -> Option<String> {
    Reflect::get(cfg, &JsValue::from_str(k)).ok()?.as_string()
}

fn cfg_num(cfg: &JsValue, k: &str) -> Option<f64> {
    Reflect::get(cfg, &JsValue::from_str(k)).ok()?.as_f64()
}

fn cfg_fn(cfg: &JsValue, k: &str) -> Option<Function> {
    Reflect::get(cfg, &JsValue::from_str(k))
        .ok()?
        .dyn_into()
        .ok()
}

/// Mounts the widget into `el`. `config`: `{mode: "settings"|"advanced"|"add_source",
/// lang, strings? (the i18n file's `ui` table), limit?, pipeline_id?, request(method, path,
/// body) -> Promise, close?()}`.
/// Returns the id to pass to [`unmount`] and [`on_add_as_source`].
#[wasm_bindgen]
pub fn mount(el: Element, config: JsValue) -> Result<u32, JsValue> {
    let request = cfg_fn(&config, "request")
        .ok_or_else(|| JsValue::from_str("config.request must be a function"))?;
    let mode = match cfg_str(&config, "mode").as_deref() {
        Some("settings") => Mode::Settings,
        Some("add_source") => Mode::AddSource,
        _ => Mode::Advanced,
    };
    let lang = Lang::from_code(&cfg_str(&config, "lang").unwrap_or_default());
    if let Ok(table) = Reflect::get(&config, &JsValue::from_str("strings")) {
        if table.is_object() {
            crate::i18n::load(lang, |k| {
                Reflect::get(&table, &JsValue::from_str(k))
                    .ok()?
                    .as_string()
            });
        }
    }
    let limit = cfg_num(&config, "limit").map_or(50, |n| n as usize);
    let pid = cfg_num(&config, "pipeline_id")
        .map(|n| n as u64)
        .filter(|n| *n > 0);
    let add = if mode == Mode::AddSource { pid } else { None };
    let doc = el
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let client = Client::new(JsTransport::new(request), JsClock);
    let app = Rc::new(RefCell::new(Inner {
        state: new_state(mode, lang, limit, add),
        doc,
        root: el.clone(),
        tree: Some(Tree::new(&el)),
        listeners: Vec::new(),
        timers: Vec::new(),
        tick_fn: None,
        client: Rc::new(client),
        close: cfg_fn(&config, "close"),
    }));
    for kind in ["click", "input", "change", "keydown"] {
        let weak = Rc::downgrade(&app);
        let h: Handler = Closure::new(move |ev: Event| on_event(&weak, ev));
        el.add_event_listener_with_callback(kind, h.as_ref().unchecked_ref())?;
        app.borrow_mut().listeners.push((kind, h));
    }
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    APPS.with(|a| a.borrow_mut().push((id, app.clone())));
    dispatch(&app, Msg::Start);
    if mode == Mode::Advanced {
        // Queued after the first requests' tasks, so they are on the wire first.
        wasm_bindgen_futures::spawn_local(async move { rehearse(lang) });
    }
    Ok(id)
}

/// One copy of the state's constructor for mount and the rehearsal (inlined twice, it is
/// about 1 KB of wasm).
#[inline(never)]
fn new_state(mode: Mode, lang: Lang, limit: usize, add: Option<u64>) -> State {
    State::new(mode, lang, limit, add)
}

/// Decodes, merges and draws a three-source sample once, as the first load does (loading
/// note, pipelines, then the list patched in), showing and sending nothing, while the first
/// requests are in flight. The browser compiles each wasm function on its first call; a
/// Chromium trace showed 6-9 ms of that compilation between the sources response and the
/// rows when the real list paid for it.
fn rehearse(lang: Lang) {
    use crate::app::Job;
    const PIPELINES: &[u8] = br#"{"_embedded":{"pipelines":[{"id":1,"name":"a","sort":1,"is_main":true,"is_archive":false},{"id":2,"name":"b","sort":2,"is_main":false,"is_archive":true}]}}"#;
    const SOURCES: &[u8] = br#"{"_embedded":{"sources":[{"id":1,"name":"a","external_id":"a","pipeline_id":1,"default":true,"origin_code":"a","services":[{"type":"whatsapp","pages":[{"name":"a","id":"a","link":"+1555"}]}]},{"id":2,"name":"b","external_id":"b","pipeline_id":2,"default":false,"services":[]},{"id":3,"name":"c","external_id":"c","pipeline_id":2}]}}"#;
    let ct = Some("application/hal+json");
    let mut s = new_state(Mode::Advanced, lang, 50, None);
    let mut r = dom::Rehearsal::default();
    update(&mut s, Msg::Start);
    r.render(view(&s));
    let p = crate::api::decode_pipelines(200, ct, None, PIPELINES).map(Reply::Pipelines);
    update(&mut s, Msg::Reply(Job::Pipelines, p));
    r.render(view(&s));
    let list = crate::api::decode_sources(200, ct, None, SOURCES).map(Reply::Sources);
    update(&mut s, Msg::Reply(Job::Sources, list));
    r.render(view(&s));
}

/// Unmounts the app `id` (or every app when `id` is 0): listeners, timers and nodes go.
#[wasm_bindgen]
pub fn unmount(id: u32) {
    let gone: Vec<AppRef> = APPS.with(|a| {
        let mut a = a.borrow_mut();
        let (out, keep) = a.drain(..).partition(|(i, _)| id == 0 || *i == id);
        *a = keep;
        out.into_iter().map(|(_, x)| x).collect()
    });
    for app in gone {
        let mut i = app.borrow_mut();
        let root = i.root.clone();
        for (kind, h) in i.listeners.drain(..) {
            let _ = root.remove_event_listener_with_callback(kind, h.as_ref().unchecked_ref());
        }
        if let Some(w) = web_sys::window() {
            for (t, _, _) in i.timers.drain(..) {
                w.clear_timeout_with_handle(t);
            }
        }
        if let Some(t) = i.tree.take() {
            let _ = t.close();
        }
        i.tick_fn = None;
    }
}

/// Tells mounted app `id` that the host attached the widget as a source of `pipeline_id`.
#[wasm_bindgen]
pub fn on_add_as_source(id: u32, pipeline_id: f64) {
    if let Some(app) = APPS.with(|a| {
        a.borrow()
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, x)| x.clone())
    }) {
        dispatch(&app, Msg::AddAsSource(pipeline_id as u64));
    }
}

fn dispatch(app: &AppRef, msg: Msg) {
    let fx = {
        let Ok(mut i) = app.try_borrow_mut() else {
            return;
        };
        let fx = update(&mut i.state, msg);
        render(&mut i);
        fx
    };
    for e in fx {
        run(app, e);
    }
}

fn render(i: &mut Inner) {
    if let Some(t) = i.tree.as_mut() {
        let _ = t.render(vec![view(&i.state)]);
    }
}

fn run(app: &AppRef, e: Effect) {
    match e {
        Effect::Call(job, call) => {
            let client = app.borrow().client.clone();
            let weak = Rc::downgrade(app);
            wasm_bindgen_futures::spawn_local(async move {
                let res = exec(&client, &call).await;
                if let Some(app) = weak.upgrade() {
                    dispatch(&app, Msg::Reply(job, res));
                }
            });
        }
        Effect::After(t, ms) => after(app, t, ms),
        Effect::Copy(text) => copy(&text),
        Effect::Download(text) => download(&app.borrow().doc, &text),
        Effect::Focus(sel) => {
            let root = app.borrow().root.clone();
            if let Ok(Some(el)) = root.query_selector(&sel) {
                if let Ok(h) = el.dyn_into::<HtmlElement>() {
                    let _ = h.focus();
                }
            }
        }
        Effect::Close => {
            let close = app.borrow().close.clone();
            if let Some(f) = close {
                let _ = f.call0(&JsValue::NULL);
            }
        }
    }
}

/// Sends `call` through the client (one future for every kind keeps the wasm small) and
/// decodes the answer the way that endpoint answers.
async fn exec(
    c: &Client<JsTransport, JsClock>,
    call: &Call,
) -> Result<Reply, crate::api::ApiError> {
    use crate::api::{self as a, wire, Method};
    use crate::transport::HttpRequest;
    let (method, path, body) = match call {
        Call::ListSources => (Method::Get, a::SOURCES_PATH.to_owned(), None),
        Call::ListPipelines => (Method::Get, a::PIPELINES_PATH.to_owned(), None),
        Call::Find(ids) => (Method::Get, a::find_path(ids), None),
        Call::Create(items) => (
            Method::Post,
            a::SOURCES_PATH.to_owned(),
            Some(wire::new_sources_body(items)),
        ),
        Call::UpdateOne(p) => (
            Method::Patch,
            a::source_path(p.id),
            Some(wire::patch_body(p)),
        ),
        Call::Update(ps) => (
            Method::Patch,
            a::SOURCES_PATH.to_owned(),
            Some(wire::patches_body(ps)),
        ),
        Call::DeleteOne(id) => (Method::Delete, a::source_path(*id), None),
        Call::Delete(ids) => (
            Method::Delete,
            a::SOURCES_PATH.to_owned(),
            Some(wire::delete_body(ids)),
        ),
    };
    let r = c
        .send_http(HttpRequest {
            method,
            path_and_query: path,
            body,
        })
        .await?;
    let (st, ct, ra, body) = (
        r.status,
        r.content_type.as_deref(),
        r.retry_after.as_deref(),
        &r.body[..],
    );
    Ok(match call {
        Call::ListPipelines => Reply::Pipelines(a::decode_pipelines(st, ct, ra, body)?),
        Call::UpdateOne(_) => Reply::One(a::decode_source(st, ct, ra, body)?),
        Call::DeleteOne(_) | Call::Delete(_) => {
            a::decode_deleted(st, ct, ra, body)?;
            Reply::Deleted
        }
        _ => Reply::Sources(a::decode_sources(st, ct, ra, body)?),
    })
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Schedules `t` after `ms`. Every timeout of an app calls the same JS function, which
/// dispatches the tick that is due first; no closure outlives the app.
fn after(app: &AppRef, t: Timer, ms: u32) {
    let Some(w) = web_sys::window() else { return };
    let mut i = app.borrow_mut();
    if i.tick_fn.is_none() {
        let weak = Rc::downgrade(app);
        i.tick_fn = Some(Closure::new(move || {
            let Some(app) = weak.upgrade() else { return };
            let due = {
                let Ok(mut i) = app.try_borrow_mut() else {
                    return;
                };
                let first =
                    (0..i.timers.len()).min_by(|a, b| i.timers[*a].1.total_cmp(&i.timers[*b].1));
                first.map(|k| i.timers.remove(k).2)
            };
            if let Some(t) = due {
                dispatch(&app, Msg::Tick(t));
            }
        }));
    }
    let Some(f) = i.tick_fn.as_ref() else { return };
    if let Ok(h) = w.set_timeout_with_callback_and_timeout_and_arguments_0(
        f.as_ref().unchecked_ref(),
        ms as i32,
    ) {
        i.timers.push((h, now() + f64::from(ms), t));
    }
}

fn copy(text: &str) {
    let Some(w) = web_sys::window() else { return };
    let nav = w.navigator();
    let Ok(clip) = Reflect::get(&nav, &JsValue::from_str("clipboard")) else {
        return;
    };
    if let Ok(f) = Reflect::get(&clip, &JsValue::from_str("writeText")) {
        if let Ok(f) = f.dyn_into::<Function>() {
            if let Ok(p) = f.call1(&clip, &JsValue::from_str(text)) {
                // A refused clipboard is not an error worth a message; swallow the rejection.
                if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = wasm_bindgen_futures::JsFuture::from(p).await;
                    });
                }
            }
        }
    }
}

fn download(doc: &Document, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", "kommo-sources.json");
        if let Some(body) = doc.body() {
            let _ = body.append_child(&a);
            if let Ok(h) = a.clone().dyn_into::<HtmlElement>() {
                h.click();
            }
            let _ = body.remove_child(&a);
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

fn on_event(weak: &Weak<RefCell<Inner>>, ev: Event) {
    let Some(app) = weak.upgrade() else { return };
    let root = app.borrow().root.clone();
    let Some(target) = ev.target().and_then(|t| dom::as_element(t.into())) else {
        return;
    };
    let kind = match ev.type_().as_str() {
        "click" => Kind::Click,
        "input" => Kind::Input,
        "change" => Kind::Change,
        _ => match ev
            .dyn_ref::<KeyboardEvent>()
            .map(KeyboardEvent::key)
            .as_deref()
        {
            Some("Escape") => Kind::Escape,
            // Enter on a button already clicks it; only text fields need it.
            Some("Enter") if target.tag_name() == "INPUT" => Kind::Enter,
            Some("Tab") => {
                trap_focus(&root, &ev);
                return;
            }
            _ => return,
        },
    };
    let ctl = up_to(&target, &root, "data-a");
    if kind == Kind::Escape {
        // Only a key the widget uses is kept from the host.
        if app.borrow().state.takes_escape() {
            ev.prevent_default();
            dispatch(&app, Msg::Escape);
        }
        return;
    }
    let Some(ctl) = ctl else { return };
    let act = attr(&ctl, "data-a");
    if act == "import" && kind == Kind::Change {
        read_file(&app, &ctl);
        return;
    }
    let key = up_to(&ctl, &root, "data-k")
        .map(|k| attr(&k, "data-k"))
        .unwrap_or_default();
    let idx = attr(&ctl, "data-i");
    let value = dom::prop_str(&ctl, "value");
    let checked = Reflect::get(&ctl, &JsValue::from_str("checked"))
        .ok()
        .and_then(|c| c.as_bool())
        .unwrap_or(false);
    let msg = to_msg(Ev {
        kind,
        act: &act,
        key: &key,
        idx: &idx,
        value,
        checked,
    });
    if let Some(msg) = msg {
        if kind == Kind::Enter {
            ev.prevent_default();
        }
        dispatch(&app, msg);
    }
}

/// Keeps Tab inside an open dialog: from its last control to its first and back.
fn trap_focus(root: &Element, ev: &Event) {
    let Ok(Some(dlg)) = root.query_selector(".ksm-dlg") else {
        return;
    };
    let Ok(list) = dlg.query_selector_all("button:not([disabled]),input:not([disabled]),select")
    else {
        return;
    };
    let n = list.length();
    if n == 0 {
        return;
    }
    let (first, last) = (list.get(0), list.get(n - 1));
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(web_sys::Node::from);
    let back = ev
        .dyn_ref::<KeyboardEvent>()
        .is_some_and(KeyboardEvent::shift_key);
    let (edge, to) = if back { (first, last) } else { (last, first) };
    let inside = active.as_ref().is_some_and(|a| dlg.contains(Some(a)));
    if !inside || active == edge {
        if let Some(h) = to.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            ev.prevent_default();
            let _ = h.focus();
        }
    }
}

fn read_file(app: &AppRef, input: &Element) {
    let Ok(files) = Reflect::get(input, &JsValue::from_str("files")) else {
        return;
    };
    let Ok(file) = Reflect::get(&files, &JsValue::from_f64(0.0)) else {
        return;
    };
    // Let the same file be picked again after a fix.
    let _ = Reflect::set(input, &JsValue::from_str("value"), &JsValue::from_str(""));
    let Some(file) = file.dyn_ref::<web_sys::File>().cloned() else {
        return;
    };
    if file.size() > crate::app::import::MAX_BYTES as f64 {
        dispatch(app, Msg::ImportTooBig);
        return;
    }
    let weak = Rc::downgrade(app);
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        if let Some(app) = weak.upgrade() {
            let msg = match text.ok().and_then(|t| t.as_string()) {
                Some(t) => Msg::ImportText(t),
                None => Msg::ImportText(String::new()),
            };
            dispatch(&app, msg);
        }
    });
}

/// Mounted apps, for tests that check nothing is left behind.
pub fn mounted_count() -> usize {
    APPS.with(|a| a.borrow().len())
}
