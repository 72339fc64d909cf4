//! The allocator reuses what renders free: a long-open manager keeps a flat heap.
//! Run with `cargo xtask test wasm`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Promise, Reflect};
use kommo_sources_widget::transport::{
    HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError,
};
use kommo_sources_widget::web::config::MountConfig;
use kommo_sources_widget::web::{mount_with, unmount};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn answer(body: String) -> HttpResponse {
    HttpResponse {
        status: 200,
        content_type: Some("application/hal+json".into()),
        retry_after: None,
        body: body.into_bytes(),
    }
}

/// Forty sources, a lead each, and one pipeline: enough rows that every render allocates a good deal.
struct Account;

impl Transport for Account {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let resp = if req.path_and_query.starts_with("/api/v4/leads/pipelines") {
            answer(
                r#"{"_embedded":{"pipelines":[{"id":10,"name":"Sales","is_main":true}]}}"#.into(),
            )
        } else if req.path_and_query.starts_with("/api/v4/leads") {
            // A page of leads for the Traffic view, so that it renders too.
            let leads: Vec<String> = (1..=40)
                .map(|i| {
                    format!(r#"{{"id":{i},"pipeline_id":10,"status_id":100,"created_at":1,"source":{{"id":{i}}}}}"#)
                })
                .collect();
            answer(format!(
                r#"{{"_embedded":{{"leads":[{}]}}}}"#,
                leads.join(",")
            ))
        } else {
            let rows: Vec<String> = (1..=40)
                .map(|i| {
                    format!(r#"{{"id":{i},"name":"Source {i}","pipeline_id":10,"external_id":"ext-{i}","default":false,"services":[]}}"#)
                })
                .collect();
            answer(format!(
                r#"{{"_embedded":{{"sources":[{}]}}}}"#,
                rows.join(",")
            ))
        };
        Box::pin(std::future::ready(Ok(resp)))
    }
}

async fn turn(ms: i32) {
    let p = Promise::new(&mut |r, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&r, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

fn heap_bytes() -> f64 {
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    Reflect::get(&mem.buffer(), &"byteLength".into())
        .unwrap()
        .as_f64()
        .unwrap()
}

/// Types into the search field `n` times; each keystroke is one update and one render.
fn type_in(search: &Element, n: usize) {
    let init = EventInit::new();
    init.set_bubbles(true);
    for k in 0..n {
        // Alternate between a filter that hides every row and none, so rows are dropped and
        // built again: the heaviest churn a render can cause.
        let text = if k % 2 == 0 { "zz-no-match" } else { "" };
        Reflect::set(search, &"value".into(), &text.into()).unwrap();
        search
            .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
            .unwrap();
    }
}

#[wasm_bindgen_test]
async fn thousands_of_renders_do_not_grow_the_heap() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let cfg = Object::new();
    Reflect::set(&cfg, &"mode".into(), &"advanced".into()).unwrap();
    Reflect::set(&cfg, &"lang".into(), &"en".into()).unwrap();
    let cfg = MountConfig::from_js(cfg.into()).unwrap();
    let id = mount_with(root.clone(), cfg, std::rc::Rc::new(Account));
    for _ in 0..8 {
        turn(20).await;
    }
    assert_eq!(
        root.query_selector_all("tbody tr[data-k]")
            .unwrap()
            .length(),
        40
    );
    let search = root
        .query_selector("[data-a=search]")
        .unwrap()
        .expect("a search field");

    // Warm up so the heap reaches its working size, then churn far longer.
    type_in(&search, 200);
    let warm = heap_bytes();
    type_in(&search, 1500);
    let after = heap_bytes();
    // One render of forty rows allocates tens of KB: an allocator that never reused memory
    // would need tens of MB for these renders. Allow one 64 KiB page of slack.
    assert!(
        after <= warm + 65536.0,
        "heap grew from {warm} to {after} bytes over 1500 renders"
    );
    unmount(id);
}
