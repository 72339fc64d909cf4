//! Row templates: the DOM of a keyed list's item (a row) is built once per shape and cloned
//! for every row of that shape, then filled through child-node walks.
//!
//! A shape is what every row of it shares: tags, static attributes (`Cow::Borrowed` values)
//! and static texts. A clone carries all of that in one call, so a row costs one clone, one
//! walk step per node and one call per value of its own, instead of a create, an append and
//! a call per attribute for every node.

use crate::app::node::{ElData, Node, Str};
use std::borrow::Cow;
use std::collections::HashMap;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// Shapes kept at most; past that the cache starts again (rows come in a handful of shapes).
const MAX_SHAPES: usize = 64;

/// A value that differs from row to row, so the clone leaves it out.
const FILLED: char = '\u{1}';
const SEP: char = '\u{0}';

/// The namespace SVG elements must be made in to be drawn.
const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// The SVG elements the view uses (the chart). `title` is HTML's too, but the view makes one
/// only in the chart, where it names a bar.
const SVG_TAGS: &[&str] = &["svg", "rect", "g", "title"];

/// Whether `name` on a `tag` element is a live property the user can change (or, for a
/// select, that only exists once its options do), rather than a plain attribute.
pub(super) fn is_prop(tag: &str, name: &str) -> bool {
    match name {
        "value" => matches!(tag, "input" | "select" | "textarea"),
        "checked" => true,
        _ => false,
    }
}

/// Whether a clone of the shape carries this attribute with this value.
pub(super) fn in_clone(tag: &str, name: &str, v: &Str) -> bool {
    matches!(v, Cow::Borrowed(_)) && !is_prop(tag, name)
}

/// Creates an element of `tag`, in the SVG namespace for the chart's tags.
pub(super) fn element(doc: &Document, tag: &'static str) -> Result<Element, JsValue> {
    if SVG_TAGS.contains(&tag) {
        doc.create_element_ns(Some(SVG_NS), tag)
    } else {
        doc.create_element(tag)
    }
}

/// The templates of one rendered tree, by shape: `None` for a shape seen once, whose
/// template is built when a second item has it (a shape only one item ever has, such as a
/// page's section among keyed siblings, is then never built twice).
#[derive(Default)]
pub(super) struct Templates {
    by_shape: HashMap<String, Option<web_sys::Node>>,
    key: String,
}

impl Templates {
    /// A fresh copy of the template of `n`'s shape, built first if this is the shape's second
    /// item: every static part in place, every filled one empty. `None` the first time a
    /// shape is seen: that item is built directly.
    pub(super) fn clone_for(
        &mut self,
        doc: &Document,
        n: &ElData,
    ) -> Result<Option<Element>, JsValue> {
        self.key.clear();
        shape_el(n, &mut self.key);
        let slot = match self.by_shape.get_mut(&self.key) {
            Some(slot) => slot,
            None => {
                if self.by_shape.len() >= MAX_SHAPES {
                    self.by_shape.clear();
                }
                self.by_shape.insert(self.key.clone(), None);
                return Ok(None);
            }
        };
        let t = match slot {
            Some(t) => t,
            None => slot.insert(skeleton_el(doc, n)?.into()),
        };
        Ok(Some(t.clone_node_with_deep(true)?.unchecked_into()))
    }
}

fn shape(n: &Node, out: &mut String) {
    match n {
        Node::Text(Cow::Borrowed(s)) => {
            out.push('"');
            out.push_str(s);
        }
        Node::Text(Cow::Owned(_)) => {
            out.push('"');
            out.push(FILLED);
        }
        Node::El(e) => shape_el(e, out),
    }
    out.push(SEP);
}

fn shape_el(e: &ElData, out: &mut String) {
    out.push('<');
    out.push_str(e.tag);
    for (name, v) in &e.attrs {
        out.push(SEP);
        out.push_str(name);
        out.push('=');
        match v {
            v if in_clone(e.tag, name, v) => out.push_str(v),
            _ => out.push(FILLED),
        }
    }
    out.push('>');
    e.kids.iter().for_each(|k| shape(k, out));
    out.push('/');
}

fn skeleton(doc: &Document, n: &Node) -> Result<web_sys::Node, JsValue> {
    Ok(match n {
        Node::Text(Cow::Borrowed(s)) => doc.create_text_node(s).into(),
        Node::Text(Cow::Owned(_)) => doc.create_text_node("").into(),
        Node::El(e) => skeleton_el(doc, e)?.into(),
    })
}

fn skeleton_el(doc: &Document, e: &ElData) -> Result<Element, JsValue> {
    let node = element(doc, e.tag)?;
    for k in &e.kids {
        node.append_child(&skeleton(doc, k)?)?;
    }
    for (name, v) in &e.attrs {
        if in_clone(e.tag, name, v) {
            node.set_attribute(name, v)?;
        }
    }
    Ok(node)
}

/// Whether the clone already holds this text node's text.
pub(super) fn text_in_clone(s: &Str) -> bool {
    matches!(s, Cow::Borrowed(_)) || s.is_empty()
}
