//! Keyed patching of the real DOM towards a wanted [`Node`] tree, with web-sys calls.
//!
//! Only differences touch the DOM: an unchanged render causes no mutation at all, an edited
//! row changes only its own nodes, and rows keep their elements (and focus) when the list
//! is re-sorted or filtered.

use super::template::{self, is_prop, Templates};
use crate::app::node::{ElData, Node, Str};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// The DOM that was last rendered, mirrored so the next render can be compared cheaply.
enum Live {
    /// An element with the attributes and children it was given.
    El {
        node: Element,
        tag: &'static str,
        key: Option<Str>,
        attrs: Vec<(&'static str, Str)>,
        kids: Vec<Live>,
    },
    /// A text node and the text it holds.
    Text { node: web_sys::Text, s: Str },
}

impl Live {
    fn node(&self) -> &web_sys::Node {
        match self {
            Live::El { node, .. } => node,
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

/// The children of one host element, kept in step with the wanted tree by [`Tree::render`].
pub struct Tree {
    doc: Document,
    root: Element,
    kids: Vec<Live>,
    templates: Templates,
}

impl Tree {
    /// Takes charge of `root`'s children (it should have none of its own yet).
    pub fn new(root: &Element) -> Result<Tree, JsValue> {
        let doc = root
            .owner_document()
            .ok_or_else(|| JsValue::from_str("the widget's root element has no document"))?;
        Ok(Tree {
            doc,
            root: root.clone(),
            kids: Vec::new(),
            templates: Templates::default(),
        })
    }

    /// Patches the root's children to match `new`.
    pub fn render(&mut self, new: Vec<Node>) -> Result<(), JsValue> {
        let mut p = Patcher {
            doc: &self.doc,
            templates: &mut self.templates,
        };
        p.kids(&self.root, &mut self.kids, new)
    }

    /// Removes every rendered node.
    pub fn close(mut self) {
        for l in self.kids.drain(..) {
            remove(l.node());
        }
    }
}

fn remove(n: &web_sys::Node) {
    if let Some(parent) = n.parent_node() {
        let _ = parent.remove_child(n);
    }
}

/// Sets a control's `value` property unless it already holds `v`: writing it again would
/// move the caret of a field the user is typing in. On a node just made (`fresh`) nobody
/// has typed yet, so the page is not asked. The tag says which control it is, so no
/// `instanceof` is asked of the page on every render.
fn set_value(el: &Element, tag: &str, v: &str, fresh: bool) {
    match tag {
        "input" => {
            let i = el.unchecked_ref::<HtmlInputElement>();
            if fresh || i.value() != v {
                i.set_value(v);
            }
        }
        "select" => {
            let s = el.unchecked_ref::<HtmlSelectElement>();
            if fresh || s.value() != v {
                s.set_value(v);
            }
        }
        "textarea" => {
            let t = el.unchecked_ref::<HtmlTextAreaElement>();
            if fresh || t.value() != v {
                t.set_value(v);
            }
        }
        _ => {}
    }
}

fn set_checked(el: &Element, tag: &str, on: bool) {
    if tag == "input" {
        let i = el.unchecked_ref::<HtmlInputElement>();
        if i.checked() != on {
            i.set_checked(on);
        }
    }
}

/// Gives `el` attribute `name`; `fresh` as for [`set_value`].
fn set_attr(
    el: &Element,
    tag: &str,
    name: &'static str,
    v: &str,
    fresh: bool,
) -> Result<(), JsValue> {
    match name {
        "value" if is_prop(tag, name) => set_value(el, tag, v, fresh),
        "checked" => set_checked(el, tag, true),
        _ => el.set_attribute(name, v)?,
    }
    Ok(())
}

fn remove_attr(el: &Element, tag: &str, name: &'static str) -> Result<(), JsValue> {
    match name {
        "value" if is_prop(tag, name) => set_value(el, tag, "", false),
        "checked" => set_checked(el, tag, false),
        _ => el.remove_attribute(name)?,
    }
    Ok(())
}

/// The value `name` has in `attrs`, looked for first at `i`: attributes usually come in
/// the same order render after render.
fn value_of<'a>(attrs: &'a [(&'static str, Str)], i: usize, name: &str) -> Option<&'a Str> {
    match attrs.get(i) {
        Some((n, v)) if *n == name => Some(v),
        _ => attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| v),
    }
}

/// Mirrors `node`, just made with its children `kids`, once its attributes are set: after
/// the children, as a <select>'s value needs its options; on a clone (`cloned`) only those
/// the template left out.
fn made(
    node: Element,
    tag: &'static str,
    key: Option<Str>,
    attrs: Vec<(&'static str, Str)>,
    kids: Vec<Live>,
    cloned: bool,
) -> Result<Live, JsValue> {
    for (name, v) in &attrs {
        if !(cloned && template::in_clone(tag, name, v)) {
            set_attr(&node, tag, name, v, true)?;
        }
    }
    Ok(Live::El {
        node,
        tag,
        key,
        attrs,
        kids,
    })
}

/// Whether `kids` are a list's items (two or more, each with a key), whose new ones are
/// cloned from their shape's template. A keyed element alone among its siblings (a
/// toolbar, the table) is built directly: its template would be built and cloned once.
fn listed(kids: &[Node]) -> bool {
    kids.len() > 1 && keyed(&[], kids)
}

/// Whether every old and new child has a key, so children are matched by key.
fn keyed(old: &[Live], new: &[Node]) -> bool {
    !new.is_empty()
        && new
            .iter()
            .all(|n| n.as_el().is_some_and(|e| e.key.is_some()))
        && old.iter().all(|l| l.key().is_some())
}

/// One render's access to the document.
struct Patcher<'a> {
    doc: &'a Document,
    templates: &'a mut Templates,
}

impl Patcher<'_> {
    /// Builds fresh DOM for `n` (not yet attached); an item of a list (a row, `item`) from the
    /// template of its shape.
    fn create(&mut self, n: Node, item: bool) -> Result<Live, JsValue> {
        match n {
            Node::Text(s) => Ok(Live::Text {
                node: self.doc.create_text_node(&s),
                s,
            }),
            Node::El(e) if item && e.key.is_some() => {
                match self.templates.clone_for(self.doc, &e)? {
                    Some(node) => self.fill(node.into(), Node::El(e)),
                    None => self.build(*e.0),
                }
            }
            Node::El(e) => self.build(*e.0),
        }
    }

    /// Builds `e` element by element.
    fn build(&mut self, e: ElData) -> Result<Live, JsValue> {
        let ElData {
            tag,
            key,
            attrs,
            kids,
        } = e;
        let node = template::element(self.doc, tag)?;
        let mut live = Vec::with_capacity(kids.len());
        let items = listed(&kids);
        for k in kids {
            let l = self.create(k, items)?;
            node.append_child(l.node())?;
            live.push(l);
        }
        made(node, tag, key, attrs, live, false)
    }

    /// Gives `dom`, a clone of `n`'s template, what is `n`'s own, and mirrors it: children are
    /// reached by walking siblings, as the clone already holds them all.
    fn fill(&mut self, dom: web_sys::Node, n: Node) -> Result<Live, JsValue> {
        match n {
            Node::Text(s) => {
                let node: web_sys::Text = dom.unchecked_into();
                if !template::text_in_clone(&s) {
                    node.set_data(&s);
                }
                Ok(Live::Text { node, s })
            }
            Node::El(e) => {
                let ElData {
                    tag,
                    key,
                    attrs,
                    kids,
                } = *e.0;
                let node: Element = dom.unchecked_into();
                let mut live: Vec<Live> = Vec::with_capacity(kids.len());
                for k in kids {
                    let at = match live.last() {
                        None => node.first_child(),
                        Some(prev) => prev.node().next_sibling(),
                    };
                    let at = at.ok_or_else(|| JsValue::from_str("a row's clone lacks a node"))?;
                    live.push(self.fill(at, k)?);
                }
                made(node, tag, key, attrs, live, true)
            }
        }
    }

    /// Patches `live` to look like `n`, replacing it when the kind differs.
    fn patch(&mut self, live: &mut Live, n: Node) -> Result<(), JsValue> {
        match (&mut *live, n) {
            (Live::Text { node, s }, Node::Text(t)) => {
                if *s != t {
                    node.set_data(&t);
                    *s = t;
                }
            }
            (
                Live::El {
                    node,
                    tag,
                    attrs,
                    kids,
                    key,
                },
                Node::El(new),
            ) if *tag == new.tag => {
                let new = *new.0;
                *key = new.key;
                self.kids(node, kids, new.kids)?;
                for (i, (name, v)) in new.attrs.iter().enumerate() {
                    let same = value_of(attrs, i, name).is_some_and(|o| o == v);
                    // Live properties are re-checked against the page every time.
                    if !same || is_prop(tag, name) {
                        set_attr(node, tag, name, v, false)?;
                    }
                }
                for (i, (name, _)) in attrs.iter().enumerate() {
                    if value_of(&new.attrs, i, name).is_none() {
                        remove_attr(node, tag, name)?;
                    }
                }
                *attrs = new.attrs;
            }
            (_, n) => {
                let fresh = self.create(n, false)?;
                if let Some(parent) = live.node().parent_node() {
                    parent.replace_child(fresh.node(), live.node())?;
                }
                *live = fresh;
            }
        }
        Ok(())
    }

    /// Patches the children of `parent`: by key when every child has one, else by position.
    fn kids(
        &mut self,
        parent: &Element,
        old: &mut Vec<Live>,
        new: Vec<Node>,
    ) -> Result<(), JsValue> {
        if keyed(old, &new) {
            self.keyed_kids(parent, old, new)
        } else {
            let mut new = new.into_iter();
            let mut i = 0;
            while i < old.len() {
                match new.next() {
                    Some(n) => {
                        self.patch(&mut old[i], n)?;
                        i += 1;
                    }
                    None => {
                        for l in old.drain(i..) {
                            remove(l.node());
                        }
                    }
                }
            }
            for n in new {
                let l = self.create(n, false)?;
                parent.append_child(l.node())?;
                old.push(l);
            }
            Ok(())
        }
    }

    fn keyed_kids(
        &mut self,
        parent: &Element,
        old: &mut Vec<Live>,
        new: Vec<Node>,
    ) -> Result<(), JsValue> {
        let mut pool: Vec<Option<Live>> = old.drain(..).map(Some).collect();
        let mut out: Vec<Live> = Vec::with_capacity(new.len());
        // Whether every kept node is still in its old order and none is new: then removing
        // the others is all the placing there is to do.
        let mut in_order = true;
        let mut last_at = 0;
        let items = listed(&new);
        for (i, n) in new.into_iter().enumerate() {
            let k = n.as_el().and_then(|e| e.key.clone());
            // Rows rarely move, so look where this one was expected first.
            let hit = |p: &Option<Live>| p.as_ref().and_then(Live::key) == k.as_ref();
            let at = if pool.get(i).is_some_and(hit) {
                Some(i)
            } else {
                pool.iter().position(hit)
            };
            match at.and_then(|j| pool[j].take().map(|l| (j, l))) {
                Some((j, mut l)) => {
                    in_order &= out.is_empty() || j > last_at;
                    last_at = j;
                    self.patch(&mut l, n)?;
                    out.push(l);
                }
                None => {
                    in_order = false;
                    out.push(self.create(n, items)?);
                }
            }
        }
        for l in pool.into_iter().flatten() {
            remove(l.node());
        }
        if !in_order {
            // Placed from the end: a node already followed by the right sibling stays put.
            let mut next: Option<&web_sys::Node> = None;
            for l in out.iter().rev() {
                let n = l.node();
                let placed = n
                    .parent_node()
                    .is_some_and(|p| p.is_same_node(Some(parent)))
                    && match next {
                        Some(x) => n.next_sibling().is_some_and(|s| s.is_same_node(Some(x))),
                        None => n.next_sibling().is_none(),
                    };
                if !placed {
                    parent.insert_before(n, next)?;
                }
                next = Some(n);
            }
        }
        *old = out;
        Ok(())
    }
}
