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
use core::cell::{Cell, RefCell};
use dom::{Ctl, Tree};
use js::{JsClock, JsTransport};
use js_sys::{Function, Reflect};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The one Rust function the page calls: `(kind, act, key, idx, value, checked)`, kinds as
/// in [`on_event`]; it answers whether the event was used (so the page prevents its default).
type Handler = Closure<dyn FnMut(u32, String, String, String, String, bool) -> bool>;

struct Inner {
    state: State,
    root: Element,
    /// The rendered DOM; gone once unmounted.
    tree: Option<Tree>,
    /// The page side of this app: its listeners and timeouts, all of them calling `handler`.
    ctl: Ctl,
    /// Owned here so that unmount frees it.
    handler: Option<Handler>,
    /// Scheduled ticks: when each is due (ms) and the tick.
    timers: Vec<(f64, Timer)>,
    client: Rc<Client<JsTransport, JsClock>>,
    close: Option<Function>,
}

type AppRef = Rc<RefCell<Inner>>;

std::thread_local! {
    static APPS: RefCell<Vec<(u32, AppRef)>> = RefCell::new(Vec::new());
    static NEXT: Cell<u32> = Cell::new(1);
}

fn cfg(cfg: &JsValue, k: &str) -> JsValue {
    Reflect::get(cfg, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn cfg_fn(c: &JsValue, k: &str) -> Option<Function> {
    cfg(c, k).dyn_into().ok()
}

/// Mounts the widget into `el`. `config`: `{mode: "settings"|"advanced"|"add_source",
/// lang, strings? (the i18n file's `ui` table), limit?, pipeline_id?, request(method, path,
/// body) -> Promise, close?()}`.
/// Returns the id to pass to [`unmount`] and [`on_add_as_source`].
#[wasm_bindgen]
pub fn mount(el: Element, config: JsValue) -> Result<u32, JsValue> {
    let request = cfg_fn(&config, "request")
        .ok_or_else(|| JsValue::from_str("config.request must be a function"))?;
    let mode = match cfg(&config, "mode").as_string().as_deref() {
        Some("settings") => Mode::Settings,
        Some("add_source") => Mode::AddSource,
        _ => Mode::Advanced,
    };
    let lang = Lang::from_code(&cfg(&config, "lang").as_string().unwrap_or_default());
    let table = cfg(&config, "strings");
    if table.is_object() {
        crate::i18n::load(lang, |k| cfg(&table, k).as_string());
    }
    let limit = cfg(&config, "limit").as_f64().map_or(50, |n| n as usize);
    let pid = cfg(&config, "pipeline_id")
        .as_f64()
        .map(|n| n as u64)
        .filter(|n| *n > 0);
    let add = if mode == Mode::AddSource { pid } else { None };
    let client = Client::new(JsTransport::new(request), JsClock);
    let app = Rc::new_cyclic(|weak: &Weak<RefCell<Inner>>| {
        let weak = weak.clone();
        let handler: Handler = Closure::new(
            move |kind, act: String, key: String, idx: String, value, checked| {
                on_event(&weak, kind, &act, &key, &idx, value, checked)
            },
        );
        let ctl = dom::listen(&el, handler.as_ref(), crate::app::import::MAX_BYTES as f64);
        RefCell::new(Inner {
            state: new_state(mode, lang, limit, add),
            root: el.clone(),
            tree: Some(Tree::new(&el)),
            ctl,
            handler: Some(handler),
            timers: Vec::new(),
            client: Rc::new(client),
            close: cfg_fn(&config, "close"),
        })
    });
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    APPS.with(|a| a.borrow_mut().push((id, app.clone())));
    dispatch(&app, Msg::Start);
    if mode == Mode::Advanced {
        // Queued after the first requests' tasks, so they are on the wire first.
        app.borrow().ctl.later();
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
    while let Some(app) = APPS.with(|a| {
        let mut a = a.borrow_mut();
        let k = a.iter().position(|(i, _)| id == 0 || *i == id)?;
        Some(a.remove(k).1)
    }) {
        let mut i = app.borrow_mut();
        i.ctl.off();
        i.timers.clear();
        if let Some(t) = i.tree.take() {
            let _ = t.close();
        }
        i.handler = None;
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
        let i = &mut *i;
        let fx = update(&mut i.state, msg);
        if let Some(t) = i.tree.as_mut() {
            let _ = t.render(vec![view(&i.state)]);
        }
        fx
    };
    for e in fx {
        run(app, e);
    }
}

fn run(app: &AppRef, e: Effect) {
    // Nothing stays borrowed while the page runs: the host's close unmounts at once.
    let (root, close, client) = {
        let i = app.borrow();
        (i.root.clone(), i.close.clone(), i.client.clone())
    };
    match e {
        Effect::Call(job, call) => {
            let weak = Rc::downgrade(app);
            wasm_bindgen_futures::spawn_local(async move {
                let res = exec(&client, &call).await;
                if let Some(app) = weak.upgrade() {
                    dispatch(&app, Msg::Reply(job, res));
                }
            });
        }
        Effect::After(t, ms) => {
            let mut i = app.borrow_mut();
            i.timers.push((dom::now() + f64::from(ms), t));
            i.ctl.after(ms);
        }
        Effect::Copy(text) => dom::effect(&root, 0, &text),
        Effect::Download(text) => dom::effect(&root, 1, &text),
        Effect::Focus(sel) => dom::effect(&root, 2, &sel),
        Effect::Close => {
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

/// One event from the page (decoded there: see the applier's `ksmListen`). Kinds: 0 click,
/// 1 input, 2 change, 3 Enter in a text field, 4 Escape, 5 an import file too big, 6 an
/// import file's text (in `value`), 7 a timeout, 8 the rehearsal's turn.
fn on_event(
    weak: &Weak<RefCell<Inner>>,
    kind: u32,
    act: &str,
    key: &str,
    idx: &str,
    value: String,
    checked: bool,
) -> bool {
    let Some(app) = weak.upgrade() else {
        return false;
    };
    let msg = match kind {
        // Only a key the widget uses is kept from the host.
        4 => app.borrow().state.takes_escape().then_some(Msg::Escape),
        5 => Some(Msg::ImportTooBig),
        6 => Some(Msg::ImportText(value)),
        7 => {
            // Every timeout of an app calls the same function: the tick due first goes.
            let Ok(mut i) = app.try_borrow_mut() else {
                return false;
            };
            let first =
                (0..i.timers.len()).min_by(|a, b| i.timers[*a].0.total_cmp(&i.timers[*b].0));
            first.map(|k| Msg::Tick(i.timers.remove(k).1))
        }
        8 => {
            let lang = app.borrow().state.lang;
            rehearse(lang);
            None
        }
        _ => to_msg(Ev {
            kind: match kind {
                0 => Kind::Click,
                1 => Kind::Input,
                2 => Kind::Change,
                _ => Kind::Enter,
            },
            act,
            key,
            idx,
            value,
            checked,
        }),
    };
    let used = msg.is_some();
    if let Some(msg) = msg {
        dispatch(&app, msg);
    }
    used
}

/// Mounted apps, for tests that check nothing is left behind.
pub fn mounted_count() -> usize {
    APPS.with(|a| a.borrow().len())
}
