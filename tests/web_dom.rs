//! DOM tests of the keyed patcher: identical renders change nothing, keyed rows move with
//! their nodes, text stays text. Run with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use js_sys::Array;
use kommo_sources_widget::app::node::{el, Node};
use kommo_sources_widget::web::dom::{patch_kids, Live};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, Element};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn list(keys: &[&str]) -> Vec<Node> {
    vec![el("ul")
        .kids(keys.iter().map(|k| {
            el("li")
                .key(k.to_string())
                .attr("data-k", k.to_string())
                .txt(k.to_string())
                .into()
        }))
        .into()]
}

fn mutations(root: &Element, f: impl FnOnce()) -> u32 {
    let cb = Closure::<dyn FnMut(Array)>::new(|_: Array| {});
    let obs = web_sys::MutationObserver::new(cb.as_ref().unchecked_ref()).unwrap();
    let opts = web_sys::MutationObserverInit::new();
    opts.set_subtree(true);
    opts.set_child_list(true);
    opts.set_attributes(true);
    opts.set_character_data(true);
    obs.observe_with_options(root, &opts).unwrap();
    f();
    let n = obs.take_records().length();
    obs.disconnect();
    n
}

fn li(root: &Element, k: &str) -> Element {
    root.query_selector(&format!("li[data-k='{k}']"))
        .unwrap()
        .unwrap()
}

#[wasm_bindgen_test]
fn identical_render_causes_no_mutation() {
    let d = doc();
    let root = d.create_element("div").unwrap();
    let mut live: Vec<Live> = Vec::new();
    patch_kids(&d, &root, &mut live, list(&["a", "b", "c"])).unwrap();
    assert_eq!(root.text_content().unwrap(), "abc");
    let n = mutations(&root, || {
        patch_kids(&d, &root, &mut live, list(&["a", "b", "c"])).unwrap();
    });
    assert_eq!(n, 0);
}

#[wasm_bindgen_test]
fn keyed_children_keep_their_nodes_when_reordered_and_only_the_removed_one_goes() {
    let d = doc();
    let root = d.create_element("div").unwrap();
    let mut live: Vec<Live> = Vec::new();
    patch_kids(&d, &root, &mut live, list(&["a", "b", "c", "d"])).unwrap();
    let (a, b, c) = (li(&root, "a"), li(&root, "b"), li(&root, "c"));
    patch_kids(&d, &root, &mut live, list(&["c", "a", "b", "d"])).unwrap();
    assert_eq!(root.text_content().unwrap(), "cabd");
    assert!(li(&root, "a").is_same_node(Some(&a)));
    assert!(li(&root, "c").is_same_node(Some(&c)));
    // Deleting one row: a single child-list mutation.
    let n = mutations(&root, || {
        patch_kids(&d, &root, &mut live, list(&["c", "a", "d"])).unwrap();
    });
    assert_eq!(n, 1);
    assert!(root.query_selector("li[data-k='b']").unwrap().is_none());
    assert!(!b.is_connected());
}

#[wasm_bindgen_test]
fn markup_in_text_and_attributes_is_never_parsed() {
    let d = doc();
    let root = d.create_element("div").unwrap();
    let mut live: Vec<Live> = Vec::new();
    let evil = "<img src=x onerror=\"window.__pwned=1\">";
    let tree: Vec<Node> = vec![el("p")
        .attr("title", evil)
        .txt(evil)
        .kid(el("input").attr("value", evil))
        .into()];
    patch_kids(&d, &root, &mut live, tree).unwrap();
    assert!(root.query_selector("img").unwrap().is_none());
    assert_eq!(root.text_content().unwrap(), evil);
    let input: web_sys::HtmlInputElement = root
        .query_selector("input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(input.value(), evil);
}

#[wasm_bindgen_test]
fn a_typed_value_is_not_overwritten_when_the_state_agrees() {
    let d = doc();
    let root = d.create_element("div").unwrap();
    let mut live: Vec<Live> = Vec::new();
    let tree = |v: &str| -> Vec<Node> { vec![el("input").attr("value", v.to_string()).into()] };
    patch_kids(&d, &root, &mut live, tree("ab")).unwrap();
    let input: web_sys::HtmlInputElement = root
        .query_selector("input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value("abc");
    patch_kids(&d, &root, &mut live, tree("abc")).unwrap();
    assert_eq!(input.value(), "abc");
    // The state can still reset it (e.g. "undo changes").
    patch_kids(&d, &root, &mut live, tree("ab")).unwrap();
    assert_eq!(input.value(), "ab");
}

#[wasm_bindgen_test]
fn rows_built_from_the_row_above_carry_their_own_values() {
    let d = doc();
    let root = d.create_element("div").unwrap();
    let mut live: Vec<Live> = Vec::new();
    let row = |k: &str, v: &str, on: bool| -> Node {
        el("p")
            .key(k.to_string())
            .attr("data-k", k.to_string())
            .kid(
                el("input")
                    .attr("value", v.to_string())
                    .attr("title", k.to_string()),
            )
            .kid(el("span").txt(v.to_string()))
            .kid(el("input").attr("type", "checkbox").flag("checked", on))
            .into()
    };
    let rows = vec![
        row("a", "one", false),
        row("b", "two", false),
        row("c", "three", true),
    ];
    patch_kids(&d, &root, &mut live, rows).unwrap();
    let ps = root.query_selector_all("p").unwrap();
    assert_eq!(ps.length(), 3);
    for (i, (k, v, on)) in [
        ("a", "one", false),
        ("b", "two", false),
        ("c", "three", true),
    ]
    .into_iter()
    .enumerate()
    {
        let p: Element = ps.get(i as u32).unwrap().dyn_into().unwrap();
        assert_eq!(p.get_attribute("data-k").as_deref(), Some(k));
        let input: web_sys::HtmlInputElement = p
            .query_selector("input")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        assert_eq!(input.value(), v);
        assert_eq!(input.get_attribute("title").as_deref(), Some(k));
        assert_eq!(
            p.query_selector("span")
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap(),
            v
        );
        let chk: web_sys::HtmlInputElement = p
            .query_selector("[type=checkbox]")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        assert_eq!(chk.checked(), on);
    }
    // Editing one clone leaves the others alone.
    let first: web_sys::HtmlInputElement = root
        .query_selector("input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    first.set_value("changed");
    let second: web_sys::HtmlInputElement = root
        .query_selector("p[data-k=b] input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(second.value(), "two");
}
