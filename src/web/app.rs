//! A mounted app: the reducer's state, its rendered tree, and the listeners and timers it
//! owns. Messages go through [`dispatch`]; effects are run against the page.
//!
//! Nothing stays borrowed while page code runs (a host's close may unmount at once), and
//! answers that arrive after unmount find no app and are dropped.

use super::dom::Tree;
use super::effects;
use super::events::{self, Input, Listeners, Watch};
use crate::app::action::Action;
use crate::app::event::{to_msg, Ev};
use crate::app::traffic::Traffic;
use crate::app::{update, view::view, Call, Effect, Job, Msg, Reply, State, Timer};
use crate::client::Client;
use crate::http::HttpResponse;
use crate::transport::fetch::BrowserClock;
use crate::transport::Transport;
use js_sys::Function;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Element, Event};

/// The client every app of the page uses, over whichever transport mounted it.
pub type AppClient = Client<Rc<dyn Transport>, BrowserClock>;

/// One mounted widget.
pub struct Inner {
    state: State,
    root: Element,
    /// The rendered DOM; gone once unmounted.
    tree: Option<Tree>,
    listeners: Option<Listeners>,
    /// Listeners outside the root: the question on leaving the page with unsaved work, the
    /// settings modal's token field.
    watches: Vec<Watch>,
    /// Scheduled ticks, by a number of this app's; dropping one cancels it.
    timers: Vec<(u32, gloo_timers::callback::Timeout)>,
    /// The number the next scheduled tick gets.
    next_timer: u32,
    client: Rc<AppClient>,
    close: Option<Function>,
    /// The loader's UI texts, until the first render reads them.
    ui: Option<JsValue>,
}

/// A shared handle to a mounted app.
pub type AppRef = Rc<RefCell<Inner>>;

/// Mounts an app with `state` into `root`, sending its calls through `client`; `then` is
/// the first message after the first render (the panel's "add as source").
pub fn start(
    root: &Element,
    state: State,
    client: AppClient,
    close: Option<Function>,
    ui: JsValue,
    then: Option<Msg>,
) -> AppRef {
    let tree = Tree::new(root).ok();
    let app = Rc::new_cyclic(|weak: &Weak<RefCell<Inner>>| {
        let on_event = weak.clone();
        let listeners = Listeners::attach(root, move |e| on_dom_event(&on_event, &e));
        let on_leave = weak.clone();
        let leave = Watch::leaving(move || {
            let Some(app) = on_leave.upgrade() else {
                return false;
            };
            let Ok(i) = app.try_borrow() else {
                return false;
            };
            i.state.unsaved() > 0 || i.state.saving()
        });
        RefCell::new(Inner {
            state,
            root: root.clone(),
            tree,
            listeners: Some(listeners),
            watches: leave.into_iter().collect(),
            timers: Vec::new(),
            next_timer: 0,
            client: Rc::new(client),
            close,
            ui: Some(ui),
        })
    });
    // The first requests go before anything else: their tasks are queued first (a task's
    // fetch starts when it first runs), and the texts, the first render, the effects that
    // need it and the rehearsal come in a task queued behind them.
    let fx = {
        let mut i = app.borrow_mut();
        stamp(&mut i.state);
        update(&mut i.state, Msg::Start)
    };
    let (calls, rest): (Vec<Effect>, Vec<Effect>) =
        fx.into_iter().partition(|e| matches!(e, Effect::Call(..)));
    for e in calls {
        run(&app, e);
    }
    let rehearsal = {
        let s = &app.borrow().state;
        // The panel lists only its pipeline's sources: it is put on the rehearsal's.
        let pipeline = s.pipeline.map(|_| 1);
        State::new(s.mode, s.lang, s.limit, pipeline)
    };
    let weak = Rc::downgrade(&app);
    let root = root.clone();
    spawn_local(async move {
        let Some(app) = weak.upgrade() else { return };
        if !paint(&app) {
            return;
        }
        for e in rest {
            run(&app, e);
        }
        if let Some(msg) = then {
            dispatch(&app, msg);
        }
        rehearse(&root, rehearsal);
    });
    app
}

/// A two-source answer in the API's shape, for [`rehearse`]: two rows of one shape, so that
/// the second is cloned from the first one's template, as the rows of a real list are.
const REHEARSAL: &str = r#"{"_embedded":{"sources":[{"id":1,"name":"a","pipeline_id":1,
"external_id":"a","default":false,"origin_code":null,"services":[{"type":"whatsapp",
"pages":[{"name":"a","id":"a","link":"+15550000000"}],"params":{"waba":false}}]},
{"id":2,"name":"b","pipeline_id":1,"external_id":"b","default":false,"origin_code":null,
"services":[{"type":"whatsapp","pages":[{"name":"b","id":"b","link":"+15550000001"}],
"params":{"waba":false}}]}]}}"#;

/// Decodes and renders a two-source answer into a detached element and throws it away,
/// while the first requests are in flight: the browser compiles the decoder, the reducer,
/// the view and the patcher then (it compiles wasm functions when they first run), instead
/// of after the real answer has arrived.
fn rehearse(root: &Element, mut s: State) {
    let Some(scratch) = root
        .owner_document()
        .and_then(|d| d.create_element("div").ok())
    else {
        return;
    };
    let Ok(mut tree) = Tree::new(&scratch) else {
        return;
    };
    update(&mut s, Msg::Start);
    let answer = HttpResponse::hal(200, REHEARSAL);
    let reply = Call::ListSources.decode(&answer);
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(Vec::new()))),
    );
    update(&mut s, Msg::Reply(Job::Sources, reply));
    let _ = tree.render(vec![view(&s)]);
    tree.close();
}

std::thread_local! {
    /// The last complete read of the leads, kept for the page's life: a widget mounted again
    /// (the admin leaves the advanced page and comes back) shows it without reading again.
    static SESSION_TRAFFIC: std::cell::RefCell<Option<Traffic>> = const { std::cell::RefCell::new(None) };
}

/// The traffic a new mount starts from: the session's last complete read, if any.
pub fn session_traffic() -> Traffic {
    SESSION_TRAFFIC
        .with(|t| t.borrow().clone())
        .unwrap_or_default()
}

/// Stops `app`: listeners, timers and nodes go; later answers are dropped.
pub fn stop(app: &AppRef) {
    let mut i = app.borrow_mut();
    if let Some(kept) = i.state.traffic.kept() {
        SESSION_TRAFFIC.with(|s| *s.borrow_mut() = Some(kept));
    }
    i.listeners = None;
    i.watches.clear();
    i.timers.clear();
    if let Some(t) = i.tree.take() {
        t.close();
    }
}

/// Sends `msg` to `app` on each `ty` event of `target` (outside the app's root), for as long
/// as the app is mounted.
pub fn watch(app: &AppRef, target: &web_sys::EventTarget, ty: &'static str, msg: Msg) {
    let weak = Rc::downgrade(app);
    let w = Watch::on(target, ty, move |_| {
        if let Some(app) = weak.upgrade() {
            dispatch(&app, msg.clone());
        }
    });
    if let (Some(w), Ok(mut i)) = (w, app.try_borrow_mut()) {
        i.watches.push(w);
    }
}

/// The state of `app`, read: for the loader's answers to the host (Save's refusal).
pub fn with_state<R>(app: &AppRef, read: impl FnOnce(&State) -> R) -> Option<R> {
    app.try_borrow().ok().map(|i| read(&i.state))
}

/// Runs `msg` through the reducer, patches the DOM, then runs the effects.
pub fn dispatch(app: &AppRef, msg: Msg) {
    let fx = {
        let Ok(mut i) = app.try_borrow_mut() else {
            return;
        };
        let i = &mut *i;
        if i.tree.is_none() {
            return;
        }
        stamp(&mut i.state);
        let fx = update(&mut i.state, msg);
        render(i);
        fx
    };
    for e in fx {
        run(app, e);
    }
}

/// The state's clock and the browser's time zone, as of now.
fn stamp(s: &mut State) {
    s.now = (js_sys::Date::now() / 1000.0) as i64;
    // JS gives minutes west of UTC.
    s.utc_offset = -(js_sys::Date::new_0().get_timezone_offset() as i64) * 60;
}

/// Renders `app` as its state stands; false once it is unmounted.
fn paint(app: &AppRef) -> bool {
    let Ok(mut i) = app.try_borrow_mut() else {
        return false;
    };
    let mounted = i.tree.is_some();
    if mounted {
        render(&mut i);
    }
    mounted
}

/// Patches the DOM to the view of the state, with the UI texts read first if still unread.
fn render(i: &mut Inner) {
    if let Some(ui) = i.ui.take() {
        crate::i18n::load(i.state.lang, |k| super::config::ui_text(&ui, k));
    }
    if let Some(t) = i.tree.as_mut() {
        if let Err(e) = t.render(vec![view(&i.state)]) {
            web_sys::console::error_2(&JsValue::from_str("sources manager: render failed"), &e);
        }
    }
}

fn run(app: &AppRef, e: Effect) {
    let (root, close, client) = {
        let i = app.borrow();
        (i.root.clone(), i.close.clone(), i.client.clone())
    };
    match e {
        Effect::Call(job, call) => {
            let weak = Rc::downgrade(app);
            spawn_local(async move {
                let res = client.call(&call).await;
                if let Some(app) = weak.upgrade() {
                    dispatch(&app, Msg::Reply(job, res));
                }
            });
        }
        Effect::After(t, ms) => schedule(app, t, ms),
        Effect::Copy(text) => {
            let weak = Rc::downgrade(app);
            spawn_local(async move {
                let ok = effects::copy(&text).await;
                if let Some(app) = weak.upgrade() {
                    dispatch(&app, Msg::Copied(ok));
                }
            });
        }
        Effect::Select(id) => effects::select(&root, id),
        Effect::Download(text) => {
            if let Err(e) = effects::download(&root, &text) {
                web_sys::console::error_2(&JsValue::from_str("sources manager: export"), &e);
            }
        }
        Effect::Focus(sel) => effects::focus(&root, &sel),
        Effect::Refocus(sel) => effects::refocus(&root, &sel),
        Effect::Close => {
            if let Some(f) = close {
                let _ = f.call0(&JsValue::NULL);
            }
        }
    }
}

fn schedule(app: &AppRef, t: Timer, ms: u32) {
    let weak = Rc::downgrade(app);
    let mut i = app.borrow_mut();
    let n = i.next_timer;
    i.next_timer = n.wrapping_add(1);
    let timeout = gloo_timers::callback::Timeout::new(ms, move || on_timeout(&weak, n, t));
    i.timers.push((n, timeout));
}

/// Timer `n` fired: it leaves the app's list, and its tick runs.
fn on_timeout(weak: &Weak<RefCell<Inner>>, n: u32, t: Timer) {
    let Some(app) = weak.upgrade() else {
        return;
    };
    let fired = {
        let Ok(mut i) = app.try_borrow_mut() else {
            return;
        };
        let k = i.timers.iter().position(|(m, _)| *m == n);
        k.map(|k| i.timers.remove(k))
    };
    if fired.is_some() {
        dispatch(&app, Msg::Tick(t));
    }
}

fn on_dom_event(weak: &Weak<RefCell<Inner>>, e: &Event) {
    let Some(app) = weak.upgrade() else {
        return;
    };
    let root = app.borrow().root.clone();
    match events::decode(&root, e, Action::Import.as_str()) {
        None => {}
        // Only a key the widget uses is kept from the host.
        Some(Input::Escape) if app.borrow().state.takes_escape() => {
            e.prevent_default();
            dispatch(&app, Msg::Escape);
        }
        Some(Input::Escape) => {}
        Some(Input::ImportFile(file)) => {
            if file.size() > crate::app::import::MAX_BYTES as f64 {
                dispatch(&app, Msg::ImportTooBig);
                return;
            }
            let weak = Rc::downgrade(&app);
            spawn_local(async move {
                let text = JsFuture::from(file.text()).await.ok();
                let text = text.and_then(|t| t.as_string()).unwrap_or_default();
                if let Some(app) = weak.upgrade() {
                    dispatch(&app, Msg::ImportText(text));
                }
            });
        }
        Some(Input::Control(c)) => {
            let enter = c.kind == crate::app::event::Kind::Enter;
            let msg = to_msg(Ev {
                kind: c.kind,
                act: &c.act,
                key: &c.key,
                idx: &c.idx,
                value: c.value,
                checked: c.checked,
            });
            if let Some(msg) = msg {
                if enter {
                    e.prevent_default();
                }
                dispatch(&app, msg);
            }
        }
    }
}
