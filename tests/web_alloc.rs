//! The global allocator reuses what renders free: a long-open manager keeps a flat heap.
//! Run with `cargo xtask test wasm`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Object, Promise, Reflect};
use kommo_sources_widget::web::{mount, unmount};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn answer(body: String) -> Promise {
    let o = Object::new();
    Reflect::set(&o, &"status".into(), &JsValue::from(200)).unwrap();
    Reflect::set(&o, &"content_type".into(), &"application/hal+json".into()).unwrap();
    Reflect::set(&o, &"body".into(), &body.into()).unwrap();
    Promise::resolve(&JsValue::from(o))
}

/// Forty sources and one pipeline: enough rows that every render allocates a good deal.
fn account(_method: String, path: String, _body: JsValue) -> Promise {
    if path.starts_with("/api/v4/leads/pipelines") {
        return answer(
            r#"{"_embedded":{"pipelines":[{"id":10,"name":"Sales","is_main":true}]}}"#.into(),
        );
    }
    let rows: Vec<String> = (1..=40)
        .map(|i| {
            format!(r#"{{"id":{i},"name":"Source {i}","pipeline_id":10,"external_id":"ext-{i}","default":false,"services":[]}}"#)
        })
        .collect();
    answer(format!(
        r#"{{"_embedded":{{"sources":[{}]}}}}"#,
        rows.join(",")
    ))
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
    let request = Closure::<dyn FnMut(String, String, JsValue) -> Promise>::new(account);
    let cfg = Object::new();
    Reflect::set(&cfg, &"mode".into(), &"advanced".into()).unwrap();
    Reflect::set(&cfg, &"lang".into(), &"en".into()).unwrap();
    Reflect::set(
        &cfg,
        &"request".into(),
        request.as_ref().unchecked_ref::<Function>(),
    )
    .unwrap();
    let id = mount(root.clone(), cfg.into()).unwrap();
    for _ in 0..8 {
        turn(20).await;
    }
    assert_eq!(root.query_selector_all("tbody tr").unwrap().length(), 40);
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
