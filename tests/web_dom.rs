//! DOM tests of the keyed patcher: identical renders change nothing, keyed rows move with
//! their nodes, text stays text. Run with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use js_sys::Array;
use kommo_sources_widget::app::node::{el, Node};
use kommo_sources_widget::web::dom::Tree;
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
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    t.render(list(&["a", "b", "c"])).unwrap();
    assert_eq!(root.text_content().unwrap(), "abc");
    let n = mutations(&root, || {
        t.render(list(&["a", "b", "c"])).unwrap();
    });
    assert_eq!(n, 0);
}

#[wasm_bindgen_test]
fn keyed_children_keep_their_nodes_when_reordered_and_only_the_removed_one_goes() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    t.render(list(&["a", "b", "c", "d"])).unwrap();
    let (a, b, c) = (li(&root, "a"), li(&root, "b"), li(&root, "c"));
    t.render(list(&["c", "a", "b", "d"])).unwrap();
    assert_eq!(root.text_content().unwrap(), "cabd");
    assert!(li(&root, "a").is_same_node(Some(&a)));
    assert!(li(&root, "c").is_same_node(Some(&c)));
    // Deleting one row: a single child-list mutation.
    let n = mutations(&root, || {
        t.render(list(&["c", "a", "d"])).unwrap();
    });
    assert_eq!(n, 1);
    assert!(root.query_selector("li[data-k='b']").unwrap().is_none());
    assert!(!b.is_connected());
}

#[wasm_bindgen_test]
fn markup_in_text_and_attributes_is_never_parsed() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    let evil = "<img src=x onerror=\"window.__pwned=1\">";
    let tree: Vec<Node> = vec![el("p")
        .attr("title", evil)
        .txt(evil)
        .kid(el("input").attr("value", evil))
        .into()];
    t.render(tree).unwrap();
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
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    let tree = |v: &str| -> Vec<Node> { vec![el("input").attr("value", v.to_string()).into()] };
    t.render(tree("ab")).unwrap();
    let input: web_sys::HtmlInputElement = root
        .query_selector("input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value("abc");
    t.render(tree("abc")).unwrap();
    assert_eq!(input.value(), "abc");
    // The state can still reset it (e.g. "undo changes").
    t.render(tree("ab")).unwrap();
    assert_eq!(input.value(), "ab");
}

#[wasm_bindgen_test]
fn rows_built_from_the_row_above_carry_their_own_values() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
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
    t.render(rows).unwrap();
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

fn keys(root: &Element) -> String {
    let all = root.query_selector_all("li").unwrap();
    (0..all.length())
        .map(|i| {
            all.get(i)
                .unwrap()
                .unchecked_into::<Element>()
                .get_attribute("data-k")
                .unwrap()
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[wasm_bindgen_test]
fn keyed_inserts_at_either_end_and_in_the_middle_touch_only_the_new_rows() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    t.render(list(&["b", "d"])).unwrap();
    let (b, d) = (li(&root, "b"), li(&root, "d"));
    // One insertion each: the kept rows are not moved around them.
    let n = mutations(&root, || {
        t.render(list(&["a", "b", "c", "d", "e"])).unwrap()
    });
    assert_eq!(n, 3);
    assert_eq!(keys(&root), "a,b,c,d,e");
    assert!(li(&root, "b").is_same_node(Some(&b)));
    assert!(li(&root, "d").is_same_node(Some(&d)));
    assert_eq!(root.text_content().unwrap(), "abcde");
}

#[wasm_bindgen_test]
fn a_reversed_list_keeps_every_node_and_a_full_swap_back_restores_the_order() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    let ks = ["a", "b", "c", "d", "e", "f"];
    t.render(list(&ks)).unwrap();
    let before: Vec<Element> = ks.iter().map(|k| li(&root, k)).collect();
    t.render(list(&["f", "e", "d", "c", "b", "a"])).unwrap();
    assert_eq!(keys(&root), "f,e,d,c,b,a");
    t.render(list(&["c", "a", "f", "b", "e", "d"])).unwrap();
    assert_eq!(keys(&root), "c,a,f,b,e,d");
    for (k, el) in ks.iter().zip(&before) {
        assert!(li(&root, k).is_same_node(Some(el)), "row {k} was rebuilt");
    }
    // Removing everything then building again reuses node numbers safely.
    t.render(vec![el("ul").into()]).unwrap();
    assert_eq!(keys(&root), "");
    t.render(list(&["x", "y"])).unwrap();
    assert_eq!(keys(&root), "x,y");
    assert!(before.iter().all(|e| !e.is_connected()));
}

#[wasm_bindgen_test]
fn a_focused_row_keeps_focus_when_rows_come_and_go_around_it() {
    let root = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&root).unwrap();
    let mut t = Tree::new(&root).unwrap();
    let rows = |ks: &[&str]| -> Vec<Node> {
        vec![el("div")
            .kids(ks.iter().map(|k| {
                el("p")
                    .key(k.to_string())
                    .kid(el("input").attr("data-k", k.to_string()))
                    .into()
            }))
            .into()]
    };
    t.render(rows(&["a", "b", "c"])).unwrap();
    let b: web_sys::HtmlElement = root
        .query_selector("[data-k=b]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    b.focus().unwrap();
    t.render(rows(&["x", "b", "y"])).unwrap();
    let active = doc().active_element().unwrap();
    assert!(active.is_same_node(Some(&b)));
    t.close();
    assert_eq!(root.child_nodes().length(), 0);
    root.remove();
}

#[wasm_bindgen_test]
fn text_and_attribute_changes_are_one_mutation_each() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    let p = |s: &str, title: Option<&str>, hidden: bool| -> Vec<Node> {
        let mut e = el("p").txt(s.to_string()).flag("hidden", hidden);
        if let Some(x) = title {
            e = e.attr("title", x.to_string());
        }
        vec![e.into()]
    };
    t.render(p("one", None, false)).unwrap();
    let node = root.first_element_child().unwrap();
    assert_eq!(
        mutations(&root, || t.render(p("two", None, false)).unwrap()),
        1
    );
    assert_eq!(node.text_content().unwrap(), "two");
    assert_eq!(
        mutations(&root, || t.render(p("two", Some("t"), true)).unwrap()),
        2
    );
    assert_eq!(node.get_attribute("title").as_deref(), Some("t"));
    assert!(node.has_attribute("hidden"));
    assert_eq!(
        mutations(&root, || t.render(p("two", Some("u"), false)).unwrap()),
        2
    );
    assert_eq!(node.get_attribute("title").as_deref(), Some("u"));
    assert!(!node.has_attribute("hidden"));
    assert_eq!(
        mutations(&root, || t.render(p("two", None, false)).unwrap()),
        1
    );
    assert!(!node.has_attribute("title"));
    // Same element throughout: only its values changed.
    assert!(root
        .first_element_child()
        .unwrap()
        .is_same_node(Some(&node)));
    // Another tag in the same place replaces the element.
    t.render(vec![el("span").txt("x").into()]).unwrap();
    assert_eq!(root.inner_html(), "<span>x</span>");
}

#[wasm_bindgen_test]
fn checked_is_compared_with_the_live_box() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    let boxed = |on: bool| -> Vec<Node> {
        vec![el("input")
            .attr("type", "checkbox")
            .flag("checked", on)
            .into()]
    };
    t.render(boxed(true)).unwrap();
    let b: web_sys::HtmlInputElement = root.first_element_child().unwrap().dyn_into().unwrap();
    assert!(b.checked());
    // The user unticks it but the state still says ticked (e.g. the change was refused).
    b.set_checked(false);
    t.render(boxed(true)).unwrap();
    assert!(b.checked());
    t.render(boxed(false)).unwrap();
    assert!(!b.checked());
    t.render(boxed(true)).unwrap();
    assert!(b.checked());
}

#[wasm_bindgen_test]
fn a_select_gets_its_value_after_its_options_and_option_values_stay_attributes() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    let sel = |opts: &[&str], v: &str| -> Vec<Node> {
        vec![el("select")
            .kids(opts.iter().map(|o| {
                el("option")
                    .attr("value", o.to_string())
                    .txt(o.to_string())
                    .into()
            }))
            .attr("value", v.to_string())
            .into()]
    };
    t.render(sel(&["1", "2", "3"], "3")).unwrap();
    let s: web_sys::HtmlSelectElement = root.first_element_child().unwrap().unchecked_into();
    let value = || s.value();
    assert_eq!(value(), "3");
    assert_eq!(
        mutations(&root, || t.render(sel(&["1", "2", "3"], "3")).unwrap()),
        0
    );
    // The user picks another option; an unchanged state puts the wanted one back.
    s.set_value("1");
    assert_eq!(value(), "1");
    t.render(sel(&["1", "2", "3"], "3")).unwrap();
    assert_eq!(value(), "3");
    t.render(sel(&["1", "2", "4"], "4")).unwrap();
    assert_eq!(value(), "4");
    let last = s.last_element_child().unwrap();
    assert_eq!(last.get_attribute("value").as_deref(), Some("4"));
    assert_eq!(last.text_content().unwrap(), "4");
}

#[wasm_bindgen_test]
fn rows_of_alternating_shapes_are_each_built_right() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    // Every third row carries an extra tag, as rows on an archived pipeline do.
    let rows: Vec<Node> = vec![el("ul")
        .kids((0..9).map(|i| {
            let mut li = el("li")
                .key(format!("r{i}"))
                .attr("data-k", format!("r{i}"))
                .kid(el("input").attr("value", format!("v{i}")));
            if i % 3 == 2 {
                li = li.kid(el("b").txt(format!("tag{i}")));
            }
            li.into()
        }))
        .into()];
    t.render(rows).unwrap();
    let all = root.query_selector_all("li").unwrap();
    assert_eq!(all.length(), 9);
    for i in 0..9u32 {
        let li: Element = all.get(i).unwrap().dyn_into().unwrap();
        assert_eq!(li.get_attribute("data-k").unwrap(), format!("r{i}"));
        let input: web_sys::HtmlInputElement = li
            .query_selector("input")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        assert_eq!(input.value(), format!("v{i}"));
        let tag = li.query_selector("b").unwrap();
        assert_eq!(
            tag.map(|b| b.text_content().unwrap()),
            (i % 3 == 2).then(|| format!("tag{i}"))
        );
    }
}

#[wasm_bindgen_test]
fn non_ascii_text_and_attributes_arrive_whole() {
    let root = doc().create_element("div").unwrap();
    let mut t = Tree::new(&root).unwrap();
    let s = "Fuente 😀 ñ — 中文";
    t.render(vec![el("p")
        .attr("title", s)
        .txt(s)
        .kid(el("i").txt("after"))
        .into()])
        .unwrap();
    let p = root.first_element_child().unwrap();
    assert_eq!(p.get_attribute("title").as_deref(), Some(s));
    assert_eq!(p.text_content().unwrap(), format!("{s}after"));
}
