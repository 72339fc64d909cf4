//! A light description of the DOM the view wants; the wasm side patches the real DOM to match.
//!
//! Plain data so that the view can be built and inspected in native tests.

use super::action::Action;
use crate::i18n::{Lang, T};
use std::borrow::Cow;

/// Text that is usually static but sometimes built at run time.
pub type Str = Cow<'static, str>;

/// One node of the wanted DOM: an element or a text node.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An element with attributes and children.
    El(El),
    /// A text node; always rendered as text, never parsed as markup.
    Text(Str),
}

/// An element, boxed so that the view's builder chains move one pointer, not the struct
/// (this keeps the wasm small).
#[derive(Clone, Debug, PartialEq)]
pub struct El(pub Box<ElData>);

/// An element's data: tag, optional key for keyed lists, attributes and children.
#[derive(Clone, Debug, PartialEq)]
pub struct ElData {
    /// Lower-case tag name.
    pub tag: &'static str,
    /// Identity among its siblings; when every element child of a parent has one,
    /// children are matched by key so rows keep their DOM (and focus) across patches.
    pub key: Option<Str>,
    /// Attributes in the order first set, one per name. A control's `value` and `checked` are
    /// applied as properties.
    pub attrs: Vec<(&'static str, Str)>,
    /// Children in order.
    pub kids: Vec<Node>,
}

/// A text that many rows repeat (a pipeline's name, its id), kept for the page's life so
/// that it is one static text: a row's template then carries it, and no row pays a call for
/// it. Past [`KEPT_MAX`] distinct texts, a text stays the row's own.
pub fn kept(s: String) -> Str {
    std::thread_local! {
        static KEPT: std::cell::RefCell<std::collections::BTreeSet<&'static str>> =
            const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
    }
    KEPT.with(|k| {
        let mut k = k.borrow_mut();
        if let Some(&t) = k.get(s.as_str()) {
            return Cow::Borrowed(t);
        }
        if k.len() >= KEPT_MAX {
            return Cow::Owned(s);
        }
        let t: &'static str = Box::leak(s.into_boxed_str());
        k.insert(t);
        Cow::Borrowed(t)
    })
}

/// How many texts [`kept`] keeps at most: an account's pipelines, renamed a few times.
pub const KEPT_MAX: usize = 512;

/// Starts an element.
#[inline(never)]
pub fn el(tag: &'static str) -> El {
    El(Box::new(ElData {
        tag,
        key: None,
        attrs: Vec::new(),
        kids: Vec::new(),
    }))
}

impl core::ops::Deref for El {
    type Target = ElData;
    fn deref(&self) -> &ElData {
        &self.0
    }
}

impl core::ops::DerefMut for El {
    fn deref_mut(&mut self) -> &mut ElData {
        &mut self.0
    }
}

/// Starts an element with a class: one call where most elements of the view made two.
#[inline(never)]
pub fn elc(tag: &'static str, class: &'static str) -> El {
    el(tag).attr_s("class", Cow::Borrowed(class))
}

/// A text node.
pub fn text(s: impl Into<Str>) -> Node {
    Node::Text(s.into())
}

impl El {
    /// Sets the key used to match this element among its siblings.
    pub fn key(self, k: impl Into<Str>) -> Self {
        self.key_s(k.into())
    }

    #[inline(never)]
    fn key_s(mut self, k: Str) -> Self {
        self.key = Some(k);
        self
    }

    /// Sets an attribute; setting one again replaces its value (e.g. a button helper's class
    /// refined by the caller), so each name is written to the DOM once.
    pub fn attr(self, name: &'static str, v: impl Into<Str>) -> Self {
        self.attr_s(name, v.into())
    }

    #[inline(never)]
    fn attr_s(mut self, name: &'static str, v: Str) -> Self {
        match self.attrs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = v,
            None => self.attrs.push((name, v)),
        }
        self
    }

    /// Adds an attribute only when `on` is true (for boolean attributes such as `disabled`).
    pub fn flag(self, name: &'static str, on: bool) -> Self {
        if on {
            self.attr(name, "")
        } else {
            self
        }
    }

    /// Sets the class attribute.
    pub fn class(self, c: impl Into<Str>) -> Self {
        self.attr("class", c)
    }

    /// Names the action an event on this element produces (read by the event decoder).
    pub fn act(self, a: Action) -> Self {
        self.attr("data-a", a.as_str())
    }

    /// Adds a child node.
    pub fn kid(self, n: impl Into<Node>) -> Self {
        self.kid_n(n.into())
    }

    #[inline(never)]
    fn kid_n(mut self, n: Node) -> Self {
        self.kids.push(n);
        self
    }

    /// Adds a child text node.
    pub fn txt(self, s: impl Into<Str>) -> Self {
        self.kid_n(Node::Text(s.into()))
    }

    /// Adds a child text node with the UI text `k` in `l`.
    #[inline(never)]
    pub fn tr(self, l: Lang, k: T) -> Self {
        self.kid_n(Node::Text(Cow::Borrowed(l.t(k))))
    }

    /// Adds children.
    pub fn kids(mut self, it: impl IntoIterator<Item = Node>) -> Self {
        self.kids.extend(it);
        self
    }

    /// Adds a child when present.
    pub fn opt(mut self, n: Option<Node>) -> Self {
        if let Some(n) = n {
            self.kids.push(n);
        }
        self
    }

    /// The value of an attribute, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_ref())
    }
}

impl From<El> for Node {
    fn from(e: El) -> Node {
        Node::El(e)
    }
}

impl Node {
    /// The element, when this is one.
    pub fn as_el(&self) -> Option<&El> {
        match self {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        }
    }

    /// All text below this node, concatenated (what a user would read).
    pub fn text_content(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        s
    }

    fn collect_text(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(t),
            Node::El(e) => e.kids.iter().for_each(|k| k.collect_text(out)),
        }
    }

    /// Depth-first search for the first element matching `pred`.
    pub fn find(&self, pred: &dyn Fn(&El) -> bool) -> Option<&El> {
        let e = self.as_el()?;
        if pred(e) {
            return Some(e);
        }
        e.kids.iter().find_map(|k| k.find(pred))
    }

    /// Depth-first list of every element matching `pred`.
    pub fn find_all<'a>(&'a self, pred: &dyn Fn(&El) -> bool, out: &mut Vec<&'a El>) {
        if let Node::El(e) = self {
            if pred(e) {
                out.push(e);
            }
            e.kids.iter().for_each(|k| k.find_all(pred, out));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_text_is_one_static_text_however_often_it_is_asked_for() {
        let a = kept("Sales pipeline".to_owned());
        let b = kept(String::from("Sales pipeline"));
        match (a, b) {
            (Cow::Borrowed(a), Cow::Borrowed(b)) => assert!(core::ptr::eq(a, b)),
            other => panic!("not kept: {other:?}"),
        }
    }

    #[test]
    fn past_the_limit_a_text_stays_its_own() {
        // The table is the thread's: a thread of its own starts with an empty one.
        std::thread::spawn(|| {
            for i in 0..KEPT_MAX {
                assert!(matches!(kept(format!("p{i}")), Cow::Borrowed(_)));
            }
            assert!(matches!(kept("one more".to_owned()), Cow::Owned(_)));
            assert!(matches!(kept("p7".to_owned()), Cow::Borrowed("p7")));
        })
        .join()
        .unwrap();
    }
}
