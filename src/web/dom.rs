//! Keyed patching of the real DOM towards a wanted [`Node`] tree.
//!
//! Only differences touch the DOM: an unchanged render causes no mutation at all, an edited
//! row changes only its own nodes, and rows keep their elements (and focus) when the list
//! is re-sorted or filtered.

use crate::app::node::{ElData, Node, Str};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// The DOM that was last rendered, mirrored so the next render can be compared cheaply.
pub enum Live {
    /// An element with the attributes and children it was given.
    El {
        /// The DOM element.
        el: Element,
        /// Its tag.
        tag: &'static str,
        /// Its key among siblings.
        key: Option<Str>,
        /// Attributes as last applied.
        attrs: Vec<(&'static str, Str)>,
        /// Children as last rendered.
        kids: Vec<Live>,
    },
    /// A text node and the text it holds.
    Text {
        /// The DOM text node.
        node: web_sys::Text,
        /// The text as last applied.
        s: Str,
    },
}

impl Live {
    /// The DOM node.
    pub fn node(&self) -> &web_sys::Node {
        match self {
            Live::El { el, .. } => el,
            Live::Text { node, .. } => node,
        }
    }

    fn key(&self) -> Option<&Str> {
        match self {
            Live::El { key, .. } => key.as_ref(),
            Live::Text { .. } => None,
        }
    }
}

/// Builds fresh DOM for `n` (not yet attached).
pub fn create(doc: &Document, n: Node) -> Result<Live, JsValue> {
    match n {
        Node::Text(s) => Ok(Live::Text {
            node: doc.create_text_node(&s),
            s,
        }),
        Node::El(e) => {
            let ElData {
                tag,
                key,
                attrs,
                kids,
            } = *e.0;
            let el = doc.create_element(tag)?;
            let mut live: Vec<Live> = Vec::with_capacity(kids.len());
            for k in kids {
                let l = create_like(doc, live.last(), k)?;
                el.append_child(l.node())?;
                live.push(l);
            }
            // After the children: a <select>'s value needs its options to exist.
            for (name, v) in &attrs {
                match (*name, v) {
                    // A fresh control has no typed value to compare with.
                    ("value", _) => {
                        Reflect::set(&el, &JsValue::from_str("value"), &JsValue::from_str(v))
                            .map(drop)?
                    }
                    _ => el.set_attribute(name, v)?,
                }
            }
            Ok(Live::El {
                el,
                tag,
                key,
                attrs,
                kids: live,
            })
        }
    }
}

/// Whether `l` was built from a node of the same structure as `n` (tags, attribute names,
/// children), so a deep clone of `l` needs only its values patched to become `n`.
fn same_shape(l: &Live, n: &Node) -> bool {
    match (l, n) {
        (Live::Text { .. }, Node::Text(_)) => true,
        (
            Live::El {
                tag, attrs, kids, ..
            },
            Node::El(e),
        ) => {
            *tag == e.tag
                && attrs.len() == e.attrs.len()
                && attrs.iter().zip(&e.attrs).all(|(a, b)| a.0 == b.0)
                && kids.len() == e.kids.len()
                && kids.iter().zip(&e.kids).all(|(a, b)| same_shape(a, b))
        }
        _ => false,
    }
}

/// The mirror of `tpl` for `node`, a deep clone of `tpl`'s DOM.
fn mirror(tpl: &Live, node: web_sys::Node) -> Result<Live, JsValue> {
    Ok(match tpl {
        Live::Text { s, .. } => Live::Text {
            node: node.unchecked_into(),
            s: s.clone(),
        },
        Live::El {
            tag,
            key,
            attrs,
            kids,
            ..
        } => {
            let tag = *tag;
            let mut out = Vec::with_capacity(kids.len());
            let mut cur = node.first_child();
            for k in kids {
                let c = cur.ok_or(JsValue::NULL)?;
                cur = c.next_sibling();
                out.push(mirror(k, c)?);
            }
            Live::El {
                el: node.unchecked_into(),
                tag,
                key: key.clone(),
                attrs: attrs.clone(),
                kids: out,
            }
        }
    })
}

/// Builds DOM for `n`; when `like` (usually the previous sibling, e.g. the row above) has the
/// same structure, clones it and patches the values, which is far fewer DOM calls than
/// building a row element by element.
pub fn create_like(doc: &Document, like: Option<&Live>, n: Node) -> Result<Live, JsValue> {
    match like {
        Some(t @ Live::El { el, .. }) if same_shape(t, &n) => {
            let copy = el.clone_node_with_deep(true)?;
            let mut l = mirror(t, copy.clone())?;
            // Same shape: the top element is never replaced, so its parent is not needed.
            patch(doc, &copy, &mut l, n)?;
            Ok(l)
        }
        _ => create(doc, n),
    }
}

fn set_attr(el: &Element, name: &str, v: &str) -> Result<(), JsValue> {
    match name {
        "value" => {
            // Compare with the live property: the user's typing changes it without us.
            // Loosely: a meter's live value is a number, and 6 == "6" must not count as a change.
            let v = JsValue::from_str(v);
            if !Reflect::get(el, &"value".into())?.loose_eq(&v) {
                Reflect::set(el, &"value".into(), &v)?;
            }
            Ok(())
        }
        "checked" => set_prop_bool(el, "checked", true),
        _ => el.set_attribute(name, v),
    }
}

fn set_prop_bool(el: &Element, name: &str, on: bool) -> Result<(), JsValue> {
    let key = JsValue::from_str(name);
    if Reflect::get(el, &key)?.as_bool() != Some(on) {
        Reflect::set(el, &key, &on.into())?;
    }
    Ok(())
}

fn remove_attr(el: &Element, name: &str) -> Result<(), JsValue> {
    match name {
        "value" => set_attr(el, "value", ""),
        "checked" => set_prop_bool(el, "checked", false),
        _ => el.remove_attribute(name),
    }
}

/// Patches `live` (a child of `parent`) to look like `n`, replacing it when the kind differs.
pub fn patch(
    doc: &Document,
    parent: &web_sys::Node,
    live: &mut Live,
    n: Node,
) -> Result<(), JsValue> {
    match (&mut *live, n) {
        (Live::Text { node, s }, Node::Text(t)) => {
            if *s != t {
                node.set_data(&t);
                *s = t;
            }
            Ok(())
        }
        (
            Live::El {
                el,
                tag,
                attrs,
                kids,
                key,
            },
            Node::El(new),
        ) if *tag == new.tag => {
            let new = *new.0;
            *key = new.key;
            patch_kids(doc, el, kids, new.kids)?;
            for (name, v) in &new.attrs {
                let same = attrs.iter().any(|(n, o)| n == name && o == v);
                // `value` and `checked` are re-checked against the live property every time.
                if !same || *name == "value" || *name == "checked" {
                    set_attr(el, name, v)?;
                }
            }
            for (name, _) in attrs.iter() {
                if !new.attrs.iter().any(|(n, _)| n == name) {
                    remove_attr(el, name)?;
                }
            }
            *attrs = new.attrs;
            Ok(())
        }
        (_, n) => {
            let fresh = create(doc, n)?;
            parent.replace_child(fresh.node(), live.node())?;
            *live = fresh;
            Ok(())
        }
    }
}

fn keyed(old: &[Live], new: &[Node]) -> bool {
    !new.is_empty()
        && new
            .iter()
            .all(|n| n.as_el().is_some_and(|e| e.key.is_some()))
        && old.iter().all(|l| l.key().is_some())
}

/// Patches the children of `parent`: by key when every child has one, else by position.
pub fn patch_kids(
    doc: &Document,
    parent: &Element,
    old: &mut Vec<Live>,
    new: Vec<Node>,
) -> Result<(), JsValue> {
    let pnode: &web_sys::Node = parent;
    if keyed(old, &new) {
        let mut pool: Vec<Option<Live>> = old.drain(..).map(Some).collect();
        let mut out: Vec<Live> = Vec::with_capacity(new.len());
        for (i, n) in new.into_iter().enumerate() {
            let k = n.as_el().and_then(|e| e.key.clone());
            // Rows rarely move, so look where this one was expected first.
            let hit = |p: &Option<Live>| p.as_ref().and_then(Live::key) == k.as_ref();
            let at = if pool.get(i).is_some_and(hit) {
                Some(i)
            } else {
                pool.iter().position(hit)
            };
            match at.and_then(|j| pool[j].take()) {
                Some(mut l) => {
                    patch(doc, pnode, &mut l, n)?;
                    out.push(l);
                }
                None => {
                    let l = create_like(doc, out.last(), n)?;
                    out.push(l);
                }
            }
        }
        for l in pool.into_iter().flatten() {
            pnode.remove_child(l.node())?;
        }
        // Place nodes from the end: a node already followed by the right sibling stays put.
        let mut next: Option<web_sys::Node> = None;
        for l in out.iter().rev() {
            let node = l.node();
            if node.next_sibling() != next || node.parent_node().as_ref() != Some(pnode) {
                pnode.insert_before(node, next.as_ref())?;
            }
            next = Some(node.clone());
        }
        *old = out;
    } else {
        let mut new = new.into_iter();
        let mut i = 0;
        while i < old.len() {
            match new.next() {
                Some(n) => {
                    patch(doc, pnode, &mut old[i], n)?;
                    i += 1;
                }
                None => {
                    for l in old.drain(i..) {
                        pnode.remove_child(l.node())?;
                    }
                }
            }
        }
        for n in new {
            let l = create_like(doc, old.last(), n)?;
            pnode.append_child(l.node())?;
            old.push(l);
        }
    }
    Ok(())
}

/// Finds the element that carries `attr`, starting at `target` and stopping at `root`.
pub fn up_to(target: &Element, root: &Element, attr: &str) -> Option<Element> {
    let mut cur = Some(target.clone());
    while let Some(e) = cur {
        if e.has_attribute(attr) {
            return Some(e);
        }
        if &e == root {
            return None;
        }
        cur = e.parent_element();
    }
    None
}

/// Reads a string property (such as `value`) of a DOM object.
pub fn prop_str(v: &JsValue, name: &str) -> String {
    Reflect::get(v, &JsValue::from_str(name))
        .ok()
        .and_then(|x| x.as_string())
        .unwrap_or_default()
}

/// Casts a value to an element when it is one.
pub fn as_element(v: JsValue) -> Option<Element> {
    v.dyn_into::<Element>().ok()
}
