//! DOM tests of the mounted widget in a real browser: render, keyed patches, events to
//! requests, and a clean unmount. Run with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Promise, Reflect};
use kommo_sources_widget::transport::{
    HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError,
};
use kommo_sources_widget::web::config::MountConfig;
use kommo_sources_widget::web::{mount_with, mounted_count, unmount};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const PIPELINES: &str = r#"{"_embedded":{"pipelines":[{"id":10,"name":"Sales","is_main":true,"sort":1},{"id":20,"name":"Old","is_archive":true,"sort":2}]}}"#;

/// A fake account at the transport seam: answers from `sources`, logs every request as
/// "METHOD path body".
#[derive(Clone)]
struct Fake {
    log: Rc<RefCell<Vec<String>>>,
    sources: Rc<RefCell<String>>,
}

fn answer(status: u16, ct: &str, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        content_type: (!ct.is_empty()).then(|| ct.to_owned()),
        retry_after: None,
        body: body.as_bytes().to_vec(),
    }
}

impl Transport for Fake {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let body = req.body.clone().unwrap_or_default();
        let (method, path) = (req.method.as_str(), req.path_and_query.as_str());
        self.log
            .borrow_mut()
            .push(format!("{method} {path} {body}"));
        let resp = match (method, path) {
            ("GET", "/api/v4/leads/pipelines") => answer(200, "application/hal+json", PIPELINES),
            ("GET", "/api/v4/sources") => {
                answer(200, "application/hal+json", &self.sources.borrow())
            }
            ("PATCH", p) if p.starts_with("/api/v4/sources/") => {
                let id: u64 = p.rsplit('/').next().unwrap().parse().unwrap();
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                let name = v["name"].as_str().unwrap_or("Chat");
                let out = format!(
                    r#"{{"id":{id},"name":"{name}","pipeline_id":10,"external_id":"chat","default":false}}"#
                );
                answer(200, "application/hal+json", &out)
            }
            ("DELETE", _) => answer(204, "", ""),
            _ => answer(500, "text/plain", "unexpected"),
        };
        Box::pin(std::future::ready(Ok(resp)))
    }
}

fn fake(sources: &str) -> Fake {
    Fake {
        log: Rc::new(RefCell::new(Vec::new())),
        sources: Rc::new(RefCell::new(sources.to_owned())),
    }
}

fn list(items: &[(u64, &str, &str)]) -> String {
    let v: Vec<String> = items
        .iter()
        .map(|(id, n, e)| {
            format!(r#"{{"id":{id},"name":{},"pipeline_id":10,"external_id":"{e}","default":false,"services":[]}}"#,
                serde_json::to_string(n).unwrap())
        })
        .collect();
    format!(
        r#"{{"_total_items":{},"_embedded":{{"sources":[{}]}}}}"#,
        v.len(),
        v.join(",")
    )
}

fn host() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el = doc.create_element("div").unwrap();
    el.set_class_name("ksm");
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

/// Mounts as the loader does, with the UI texts of the i18n file's `ui` table.
fn mount(root: Element, mode: &str, f: &Fake) -> u32 {
    let o = Object::new();
    Reflect::set(&o, &"mode".into(), &mode.into()).unwrap();
    Reflect::set(&o, &"lang".into(), &"en".into()).unwrap();
    let en: serde_json::Value =
        serde_json::from_str(include_str!("../widget/i18n/en.json")).unwrap();
    let strings = Object::new();
    for (k, v) in en["ui"].as_object().unwrap() {
        Reflect::set(&strings, &k.into(), &v.as_str().unwrap().into()).unwrap();
    }
    Reflect::set(&o, &"ui".into(), &strings).unwrap();
    let config = MountConfig::from_js(o.into()).unwrap();
    mount_with(root, config, Rc::new(f.clone()))
}

async fn settle() {
    // Several macrotask turns: the client's throttle and the promise chains all resolve.
    for _ in 0..6 {
        let p = Promise::new(&mut |r, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&r, 20)
                .unwrap();
        });
        JsFuture::from(p).await.unwrap();
    }
}

fn q(root: &Element, sel: &str) -> Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
}

fn fire(el: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

/// Counts DOM mutations under `root` while `f` runs (records are taken synchronously).
struct Watch {
    obs: web_sys::MutationObserver,
    _cb: Closure<dyn FnMut(Array)>,
}

fn watch(root: &Element) -> Watch {
    let cb = Closure::<dyn FnMut(Array)>::new(|_: Array| {});
    let obs = web_sys::MutationObserver::new(cb.as_ref().unchecked_ref()).unwrap();
    let opts = web_sys::MutationObserverInit::new();
    opts.set_subtree(true);
    opts.set_child_list(true);
    opts.set_attributes(true);
    opts.set_character_data(true);
    obs.observe_with_options(root, &opts).unwrap();
    Watch { obs, _cb: cb }
}

impl Watch {
    fn take(&self) -> u32 {
        self.obs.take_records().length()
    }
}

#[wasm_bindgen_test]
async fn renders_the_list_and_user_text_stays_text() {
    let f = fake(&list(&[
        (1, "Chat", "chat"),
        (2, "<img src=x onerror=alert(1)>", "evil"),
    ]));
    let root = host();
    let id = mount(root.clone(), "advanced", &f);
    settle().await;
    let rows = root.query_selector_all("tbody tr").unwrap().length();
    assert_eq!(rows, 2);
    assert!(root.query_selector("img").unwrap().is_none());
    let names = root.query_selector_all("[data-a=name]").unwrap();
    let second: web_sys::HtmlInputElement = names.get(1).unwrap().dyn_into().unwrap();
    assert_eq!(second.value(), "<img src=x onerror=alert(1)>");
    assert!(q(&root, "[data-quota]")
        .text_content()
        .unwrap()
        .contains("2 / 50"));
    let log = f.log.borrow().clone();
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("GET /api/v4/sources"))
            .count(),
        1
    );
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("GET /api/v4/leads/pipelines"))
            .count(),
        1
    );
    unmount(id);
    root.remove();
}

#[wasm_bindgen_test]
async fn an_unchanged_refresh_touches_nothing_and_rows_keep_their_nodes() {
    let f = fake(&list(&[(1, "Chat", "chat"), (2, "Calls", "calls")]));
    let root = host();
    let id = mount(root.clone(), "advanced", &f);
    settle().await;
    let row2 = q(&root, "tr[data-k=s2]");
    let w = watch(&root);
    q(&root, "[data-a=refresh]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    // The refresh button's busy flag flips on and off; nothing else may change.
    let busy_flips = w.take();
    assert!(
        busy_flips <= 4,
        "unchanged refresh mutated {busy_flips} times"
    );

    // One row changed on the server: only that row's nodes change, row 2 is the same node.
    *f.sources.borrow_mut() = list(&[(1, "Chat renamed", "chat"), (2, "Calls", "calls")]);
    q(&root, "[data-a=refresh]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert!(q(&root, "tr[data-k=s2]").is_same_node(Some(&row2)));
    let first: web_sys::HtmlInputElement =
        q(&root, "tr[data-k=s1] [data-a=name]").dyn_into().unwrap();
    assert_eq!(first.value(), "Chat renamed");

    // A row gone on the server is removed and the rest stay.
    *f.sources.borrow_mut() = list(&[(2, "Calls", "calls")]);
    q(&root, "[data-a=refresh]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert!(root.query_selector("tr[data-k=s1]").unwrap().is_none());
    assert!(q(&root, "tr[data-k=s2]").is_same_node(Some(&row2)));
    unmount(id);
    root.remove();
}

#[wasm_bindgen_test]
async fn typing_and_saving_sends_one_partial_patch() {
    let f = fake(&list(&[(1, "Chat", "chat")]));
    let root = host();
    let id = mount(root.clone(), "advanced", &f);
    settle().await;
    let input: web_sys::HtmlInputElement =
        q(&root, "tr[data-k=s1] [data-a=name]").dyn_into().unwrap();
    input.set_value("Website chat");
    fire(&input, "input");
    assert!(q(&root, "tr[data-k=s1]").class_name().contains("ksm-dirty"));
    let save = q(&root, "tr[data-k=s1] [data-a=save]")
        .dyn_into::<HtmlElement>()
        .unwrap();
    save.click();
    save.click();
    settle().await;
    let patches: Vec<String> = f
        .log
        .borrow()
        .iter()
        .filter(|l| l.starts_with("PATCH"))
        .cloned()
        .collect();
    assert_eq!(
        patches,
        vec![r#"PATCH /api/v4/sources/1 {"name":"Website chat"}"#.to_string()]
    );
    assert!(!q(&root, "tr[data-k=s1]").class_name().contains("ksm-dirty"));
    assert!(q(&root, "[data-status]")
        .text_content()
        .unwrap()
        .contains("Saved"));
    unmount(id);
    root.remove();
}

#[wasm_bindgen_test]
async fn invalid_input_shows_a_field_error_and_sends_nothing() {
    let f = fake(&list(&[(1, "Chat", "chat")]));
    let root = host();
    let id = mount(root.clone(), "advanced", &f);
    settle().await;
    q(&root, "[data-a=add]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    let ext: web_sys::HtmlInputElement = q(&root, "tr.ksm-new [data-a=ext]").dyn_into().unwrap();
    ext.set_value("CHAT");
    fire(&ext, "input");
    assert_eq!(ext.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(q(&root, "tr.ksm-new .ksm-err")
        .text_content()
        .unwrap()
        .contains("already uses"));
    q(&root, "tr.ksm-new [data-a=save]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert!(!f.log.borrow().iter().any(|l| l.starts_with("POST")));
    unmount(id);
    root.remove();
}

#[wasm_bindgen_test]
async fn unmount_leaves_no_nodes_and_no_listeners() {
    let f = fake(&list(&[(1, "Chat", "chat")]));
    let root = host();
    let before = mounted_count();
    let id = mount(root.clone(), "advanced", &f);
    settle().await;
    let add = q(&root, "[data-a=add]");
    unmount(id);
    assert_eq!(root.child_element_count(), 0);
    assert_eq!(mounted_count(), before);
    // A click that reaches the old root no longer does anything.
    root.append_child(&add).unwrap();
    add.dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    assert_eq!(root.child_element_count(), 1);
    root.remove();
}

#[wasm_bindgen_test]
async fn settings_mode_tests_the_connection() {
    let f = fake(&list(&[(1, "Chat", "chat"), (2, "Calls", "calls")]));
    let root = host();
    let id = mount(root.clone(), "settings", &f);
    settle().await;
    q(&root, "[data-a=test]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    let ok = q(&root, "[data-conn]");
    assert_eq!(ok.get_attribute("data-conn").as_deref(), Some("ok"));
    assert!(ok.text_content().unwrap().ends_with('2'));
    assert_eq!(
        root.query_selector_all(".ksm-compact li").unwrap().length(),
        2
    );
    unmount(id);
    root.remove();
}

async fn wait_ms(ms: i32) {
    let p = Promise::new(&mut |r, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&r, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn delete_counts_down_then_sends_once_and_unmount_during_the_window_sends_nothing() {
    let f = fake(&list(&[(1, "Chat", "chat"), (2, "Calls", "calls")]));
    let root = host();
    let id = mount(root.clone(), "advanced", &f);
    settle().await;
    let click = |sel: &str| q(&root, sel).dyn_into::<HtmlElement>().unwrap().click();
    click("tr[data-k=s1] [data-a=del]");
    assert!(q(&root, ".ksm-dlg")
        .text_content()
        .unwrap()
        .contains("Chat"));
    click("[data-a=confirm]");
    wait_ms(1300).await;
    assert_eq!(q(&root, "[data-undo-left]").text_content().unwrap(), "4");
    wait_ms(4500).await;
    let deletes = |f: &Fake| {
        f.log
            .borrow()
            .iter()
            .filter(|l| l.starts_with("DELETE"))
            .count()
    };
    assert_eq!(deletes(&f), 1);
    assert!(root.query_selector("tr[data-k=s1]").unwrap().is_none());

    click("tr[data-k=s2] [data-a=del]");
    click("[data-a=confirm]");
    wait_ms(1200).await;
    unmount(id);
    wait_ms(5000).await;
    assert_eq!(deletes(&f), 1, "nothing is sent after unmount");
    root.remove();
}
