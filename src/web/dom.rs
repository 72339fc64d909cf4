//! Keyed patching of the real DOM towards a wanted [`Node`] tree.
//!
//! Only differences touch the DOM: an unchanged render causes no mutation at all, an edited
//! row changes only its own nodes, and rows keep their elements (and focus) when the list
//! is re-sorted or filtered.
//!
//! The patcher does not call the DOM node by node: it writes compact operations (numbers plus
//! one string arena) and a small JS applier runs the whole batch in one call. Rust knows nodes
//! by number; the applier keeps the node for each number. Crossing from wasm to JS once per
//! render instead of once per element, attribute and sibling lookup is what makes the first
//! render of a 50-row list about as fast as hand-written DOM code.

use crate::app::node::{ElData, Node, Str};
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

use web_sys::Element;

// Every operation is `code, node id, operands…`; a string operand is its length in UTF-16
// units, its text the next slice of the batch's string arena. Node id 0 stands for "none".
// A control's `value` and `checked` are compared with the live property first: the user's
// typing and clicking change them without the patcher knowing. A clone's nodes are numbered
// in document order, walked without recursion (down to the first child, else on to the next
// sibling of the nearest ancestor that has one).
//
// Events are decoded here too (`ksmListen`): the wasm gets one call per event with the
// action, row key, page index, value and checked state it needs, and one function serves
// every listener and timeout of an app, so the module carries a single closure type. Tab
// is kept inside an open dialog (from its last control to its first and back); Enter counts
// only in text fields (on a button it already clicks); an import's input is cleared once its
// file is taken, so the same file can be picked again after a fix.
//
// `ksmSend` calls the host's request function and answers `{s: status, c: content type,
// r: retry-after, b: body as UTF-8 bytes}`; a failure rejects with a number: 0 the function
// failed, 1 no response, 2 the connection failed, 3 timed out (aborted). The body is encoded
// natively and copied in one go: the glue's own conversion walks the string in JS first,
// which for a cold page and a 20 KB answer body took about 2 ms.
#[wasm_bindgen(inline_js = r#"
const N = [];
export function ksmBind(k, node) { N[k] = node; }
export const ksmNow = () => (self.performance || Date).now();
export const ksmSleep = (ms) => new Promise((r) => setTimeout(r, ms));
export function ksmFx(root, k, s) {
  try {
    if (k === 0) navigator.clipboard.writeText(s).catch(() => {});
    else if (k === 1) {
      const d = root.ownerDocument, a = d.createElement("a");
      const u = URL.createObjectURL(new Blob([s], { type: "application/json" }));
      a.href = u;
      a.download = "kommo-sources.json";
      d.body.appendChild(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(u);
    } else root.querySelector(s).focus();
  } catch (_) {}
}
export function ksmListen(root, h, max) {
  let dead = 0;
  const ts = new Set(), ks = ["click", "input", "change", "keydown"];
  const call = (k, a, key, i, v, c) => !dead && h(k, a || "", key || "", i || "", v, c);
  const on = (ev) => {
    const t = ev.target;
    let k = ev.type, c, r;
    if (!t || !t.closest) return;
    if (k === "keydown") {
      k = ev.key;
      if (k === "Escape") { if (call(4, "", "", "", "", false)) ev.preventDefault(); return; }
      if (k === "Tab") {
        const d = root.querySelector(".ksm-dlg");
        const l = d ? d.querySelectorAll("button:not([disabled]),input:not([disabled]),select") : [];
        const n = l.length, b = ev.shiftKey, f = document.activeElement;
        if (n && (!d.contains(f) || f === l[b ? 0 : n - 1])) { ev.preventDefault(); l[b ? n - 1 : 0].focus(); }
        return;
      }
      if (k !== "Enter" || t.tagName !== "INPUT") return;
      k = 3;
    } else k = k === "click" ? 0 : k === "input" ? 1 : 2;
    c = t.closest("[data-a]");
    if (!c || !root.contains(c)) return;
    const a = c.getAttribute("data-a");
    if (a === "import" && k === 2) {
      const f = c.files && c.files[0];
      c.value = "";
      if (f) {
        if (f.size > max) call(5, "", "", "", "", false);
        else f.text().then((s) => call(6, "", "", "", s, false), () => call(6, "", "", "", "", false));
      }
      return;
    }
    r = c.closest("[data-k]");
    r = r && root.contains(r) ? r.getAttribute("data-k") : "";
    const v = c.value;
    if (call(k, a, r, c.getAttribute("data-i"), typeof v === "string" ? v : "", c.checked === true) && k === 3) ev.preventDefault();
  };
  ks.forEach((y) => root.addEventListener(y, on));
  return {
    after(ms) {
      const id = setTimeout(() => { ts.delete(id); call(7, "", "", "", "", false); }, ms);
      ts.add(id);
    },
    later() { Promise.resolve().then(() => call(8, "", "", "", "", false)); },
    off() {
      dead = 1;
      ks.forEach((y) => root.removeEventListener(y, on));
      ts.forEach((id) => clearTimeout(id));
      ts.clear();
    },
  };
}
const str = (v) => (typeof v === "string" && v) || undefined;
export async function ksmSend(f, m, p, b) {
  let r;
  try { r = f(m, p, b === undefined ? null : b); } catch (_) { throw 0; }
  if (!(r instanceof Promise)) throw 0;
  try { r = await r; } catch (e) { throw e && (e.name === "AbortError" || e.name === "TimeoutError") ? 3 : 2; }
  const s = r == null ? 0 : r.status;
  if (!(s >= 1)) throw 1;
  return { s, c: str(r.content_type), r: str(r.retry_after), b: new TextEncoder().encode(str(r.body) || "") };
}
export function ksmApply(o, t) {
  const d = document, n = o.length;
  let i = 0, p = 0, k, e, v, c;
  while (i < n) {
    const op = o[i++];
    k = o[i++];
    e = N[k];
    switch (op) {
      case 0: N[k] = d.createElement(t.slice(p, (p += o[i++]))); break;
      case 1: N[k] = d.createTextNode(t.slice(p, (p += o[i++]))); break;
      case 2: v = t.slice(p, (p += o[i++])); e.setAttribute(v, t.slice(p, (p += o[i++]))); break;
      case 3: e.removeAttribute(t.slice(p, (p += o[i++]))); break;
      case 4: v = t.slice(p, (p += o[i++])); if (e.value !== v) e.value = v; break;
      case 5: v = o[i++] === 1; if (e.checked !== v) e.checked = v; break;
      case 6: e.appendChild(N[o[i++]]); break;
      case 7:
        c = N[o[i++]];
        v = o[i++];
        v = v ? N[v] : null;
        if (c.parentNode !== e || c.nextSibling !== v) e.insertBefore(c, v);
        break;
      case 8: e.remove(); break;
      case 9: e.replaceWith(N[o[i++]]); break;
      case 10: e.data = t.slice(p, (p += o[i++])); break;
      case 11:
        c = e.cloneNode(true);
        v = c;
        for (;;) {
          N[o[i++]] = c;
          if (c.firstChild) { c = c.firstChild; continue; }
          while (c !== v && !c.nextSibling) c = c.parentNode;
          if (c === v) break;
          c = c.nextSibling;
        }
        break;
      default: N[k] = undefined;
    }
  }
}
"#)]
extern "C" {
    /// The page side of one mounted app: its listeners and timeouts.
    pub type Ctl;
    /// Schedules one call of the app's function with kind 7 after `ms`.
    #[wasm_bindgen(method)]
    pub fn after(this: &Ctl, ms: u32);
    /// Calls the app's function with kind 8 once the tasks queued so far have run.
    #[wasm_bindgen(method)]
    pub fn later(this: &Ctl);
    /// Removes the listeners, clears the timeouts and stops every later call.
    #[wasm_bindgen(method)]
    pub fn off(this: &Ctl);
    /// Listens for the app's events under `root` (file imports up to `max` bytes).
    #[wasm_bindgen(js_name = ksmListen)]
    pub fn listen(root: &Element, h: &JsValue, max: f64) -> Ctl;
    /// Milliseconds from `performance.now()`, or `Date.now()` without it.
    #[wasm_bindgen(js_name = ksmNow)]
    pub fn now() -> f64;
    /// A promise resolved after `ms`.
    #[wasm_bindgen(js_name = ksmSleep)]
    pub fn sleep(ms: i32) -> js_sys::Promise;
    /// Copies `s` (0), offers it as a JSON file (1) or focuses the element it selects (2).
    #[wasm_bindgen(js_name = ksmFx)]
    pub fn effect(root: &Element, kind: u32, s: &str);
    #[wasm_bindgen(js_name = ksmBind)]
    fn bind(id: u32, node: &web_sys::Node);
    #[wasm_bindgen(js_name = ksmApply, catch)]
    fn apply(ops: &[u32], text: &str) -> Result<(), JsValue>;
    /// Calls the host's `request(method, path, body)` (see `ksmSend` for the answer).
    #[wasm_bindgen(js_name = ksmSend)]
    pub fn send(
        f: &js_sys::Function,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> js_sys::Promise;
    /// An answer from [`send`].
    pub type Answer;
    /// The HTTP status.
    #[wasm_bindgen(method, getter)]
    pub fn s(this: &Answer) -> f64;
    /// The Content-Type, when not empty.
    #[wasm_bindgen(method, getter)]
    pub fn c(this: &Answer) -> Option<String>;
    /// The Retry-After, when not empty.
    #[wasm_bindgen(method, getter)]
    pub fn r(this: &Answer) -> Option<String>;
    /// The body's UTF-8 bytes.
    #[wasm_bindgen(method, getter)]
    pub fn b(this: &Answer) -> Vec<u8>;
}

const CREATE: u32 = 0;
const TEXT: u32 = 1;
const ATTR: u32 = 2;
const UNATTR: u32 = 3;
const VALUE: u32 = 4;
const CHECKED: u32 = 5;
const APPEND: u32 = 6;
const PLACE: u32 = 7;
const REMOVE: u32 = 8;
const REPLACE: u32 = 9;
const DATA: u32 = 10;
const CLONE: u32 = 11;
const FREE: u32 = 12;

/// The batch being written and the node numbers in use.
struct Ops {
    code: Vec<u32>,
    text: String,
    /// Numbers of freed nodes, reused before new ones.
    free: Vec<u32>,
    /// The highest number handed out so far.
    last: u32,
    /// Room for a clone's node numbers, reused from row to row.
    scratch: Vec<u32>,
}

impl Default for Ops {
    fn default() -> Ops {
        Ops::EMPTY
    }
}

impl Ops {
    /// No batch and no node numbers: the one initial value, usable in a static.
    const EMPTY: Ops = Ops {
        code: Vec::new(),
        text: String::new(),
        free: Vec::new(),
        last: 0,
        scratch: Vec::new(),
    };

    fn id(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            self.last += 1;
            self.last
        })
    }

    fn op(&mut self, code: u32, id: u32) {
        self.code.extend_from_slice(&[code, id]);
    }

    fn str(&mut self, s: &str) {
        let len = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.code.push(len as u32);
        self.text.push_str(s);
    }

    /// Forgets `l` and everything below it, on both sides.
    fn free(&mut self, l: Live) {
        match l {
            Live::Text { id, .. } => self.release(id),
            Live::El { id, kids, .. } => {
                self.release(id);
                kids.into_iter().for_each(|k| self.free(k));
            }
        }
    }

    fn release(&mut self, id: u32) {
        self.op(FREE, id);
        self.free.push(id);
    }

    /// Runs the batch in the page and starts the next one.
    fn flush(&mut self) -> Result<(), JsValue> {
        let r = if self.code.is_empty() {
            Ok(())
        } else {
            apply(&self.code, &self.text)
        };
        self.code.clear();
        self.text.clear();
        r
    }
}

std::thread_local! {
    static OPS: RefCell<Ops> = RefCell::new(Ops::EMPTY);
}

/// The DOM that was last rendered, mirrored so the next render can be compared cheaply.
pub enum Live {
    /// An element with the attributes and children it was given.
    El {
        /// The element's number in the applier.
        id: u32,
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
        /// The text node's number in the applier.
        id: u32,
        /// The text as last applied.
        s: Str,
    },
}

impl Live {
    fn id(&self) -> u32 {
        match self {
            Live::El { id, .. } | Live::Text { id, .. } => *id,
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
    root: u32,
    kids: Vec<Live>,
}

impl Tree {
    /// Takes charge of `root`'s children (it should have none of its own yet).
    pub fn new(root: &Element) -> Tree {
        let id = OPS.with(|o| o.borrow_mut().id());
        bind(id, root);
        Tree {
            root: id,
            kids: Vec::new(),
        }
    }

    /// Patches the root's children to match `new`, in one call into the page.
    pub fn render(&mut self, new: Vec<Node>) -> Result<(), JsValue> {
        OPS.with(|o| {
            let o = &mut *o.borrow_mut();
            patch_kids(o, self.root, &mut self.kids, new);
            o.flush()
        })
    }

    /// Removes every rendered node and releases the root.
    pub fn close(mut self) -> Result<(), JsValue> {
        OPS.with(|o| {
            let o = &mut *o.borrow_mut();
            for l in self.kids.drain(..) {
                o.op(REMOVE, l.id());
                o.free(l);
            }
            o.release(self.root);
            o.flush()
        })
    }
}

/// A private batch and tree that are never applied: renders through it run the patcher's
/// code (so the browser compiles it) without touching the page.
#[derive(Default)]
pub struct Rehearsal {
    o: Ops,
    kids: Vec<Live>,
}

impl Rehearsal {
    /// Works out, and drops, the operations that would patch the previous render into `n`.
    pub fn render(&mut self, n: Node) {
        patch_kids(&mut self.o, 0, &mut self.kids, vec![n]);
        self.o.code.clear();
        self.o.text.clear();
    }
}

/// Builds fresh DOM for `n` (not yet attached).
fn create(o: &mut Ops, n: Node) -> Live {
    let id = o.id();
    match n {
        Node::Text(s) => {
            o.op(TEXT, id);
            o.str(&s);
            Live::Text { id, s }
        }
        Node::El(e) => {
            let ElData {
                tag,
                key,
                attrs,
                kids,
            } = *e.0;
            o.op(CREATE, id);
            o.str(tag);
            let mut live: Vec<Live> = Vec::with_capacity(kids.len());
            for k in kids {
                let l = create_like(o, &live, k);
                o.op(APPEND, id);
                o.code.push(l.id());
                live.push(l);
            }
            // After the children: a <select>'s value needs its options to exist.
            for (name, v) in &attrs {
                // A fresh control has no typed value to compare with, but a select's value
                // is only a property.
                if *name == "value" && is_prop(tag, name) {
                    o.op(VALUE, id);
                } else {
                    o.op(ATTR, id);
                    o.str(name);
                }
                o.str(v);
            }
            Live::El {
                id,
                tag,
                key,
                attrs,
                kids: live,
            }
        }
    }
}

/// Whether two tag or attribute names are equal. They are string literals, usually one copy
/// each in the module, so the address settles most comparisons without reading bytes.
fn same_name(a: &str, b: &str) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

/// The value `name` has in `attrs`, looked for first at `i`: attributes usually come in
/// the same order render after render.
fn value_of<'a>(attrs: &'a [(&'static str, Str)], i: usize, name: &str) -> Option<&'a Str> {
    match attrs.get(i) {
        Some((n, v)) if same_name(n, name) => Some(v),
        _ => attrs
            .iter()
            .find(|(n, _)| same_name(n, name))
            .map(|(_, v)| v),
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
            same_name(tag, e.tag)
                && attrs.len() == e.attrs.len()
                && attrs.iter().zip(&e.attrs).all(|(a, b)| same_name(a.0, b.0))
                && kids.len() == e.kids.len()
                && kids.iter().zip(&e.kids).all(|(a, b)| same_shape(a, b))
        }
        _ => false,
    }
}

/// Numbers for a deep clone of `tpl`, in document order: the applier gives them to the
/// clone's nodes in that order.
fn number_clone(o: &mut Ops, tpl: &Live, ids: &mut Vec<u32>) {
    let id = o.id();
    o.code.push(id);
    ids.push(id);
    if let Live::El { kids, .. } = tpl {
        kids.iter().for_each(|k| number_clone(o, k, ids));
    }
}

/// The mirror of a clone of `tpl` (numbered by `ids`, in document order) patched to show
/// `n`, which has the same shape: only values that differ from the template's are written.
fn patch_clone(o: &mut Ops, tpl: &Live, ids: &mut core::slice::Iter<u32>, n: Node) -> Live {
    let id = ids.next().copied().unwrap_or_default();
    match (tpl, n) {
        (
            Live::El {
                attrs: was,
                kids: tk,
                ..
            },
            Node::El(e),
        ) => {
            let ElData {
                tag,
                key,
                attrs,
                kids,
            } = *e.0;
            let kids = tk
                .iter()
                .zip(kids)
                .map(|(t, k)| patch_clone(o, t, ids, k))
                .collect();
            for ((name, v), (_, old)) in attrs.iter().zip(was) {
                if v != old || is_prop(tag, name) {
                    set_attr(o, id, tag, name, v);
                }
            }
            Live::El {
                id,
                tag,
                key,
                attrs,
                kids,
            }
        }
        (t, Node::Text(s)) => {
            if !matches!(t, Live::Text { s: old, .. } if *old == s) {
                o.op(DATA, id);
                o.str(&s);
            }
            Live::Text { id, s }
        }
        // Same shape was checked first; an element never stands where a text node was.
        (_, n) => create(o, n),
    }
}

/// Builds DOM for `n`; when one of the last few `siblings` (usually the rows above) has the
/// same structure, clones it and patches the values, which is far less work than building a
/// row element by element. Rows alternate between a few shapes (an archived pipeline's tag,
/// an error line), so more than the row just above is worth a look.
fn create_like(o: &mut Ops, siblings: &[Live], n: Node) -> Live {
    let like = siblings.iter().rev().take(6).find(|t| same_shape(t, &n));
    match like {
        Some(t @ Live::El { id, .. }) => {
            o.op(CLONE, *id);
            // The numbers' buffer is kept between rows: a row has some 45 nodes.
            let mut ids = core::mem::take(&mut o.scratch);
            ids.clear();
            number_clone(o, t, &mut ids);
            let l = patch_clone(o, t, &mut ids.iter(), n);
            o.scratch = ids;
            l
        }
        _ => create(o, n),
    }
}

/// Whether `name` on a `tag` element is a live property the user can change (or, for a
/// select, that only exists once its options do), rather than a plain attribute.
fn is_prop(tag: &str, name: &str) -> bool {
    match name {
        "value" => matches!(tag, "input" | "select" | "textarea"),
        "checked" => true,
        _ => false,
    }
}

fn set_attr(o: &mut Ops, id: u32, tag: &str, name: &'static str, v: &str) {
    match name {
        "value" if is_prop(tag, name) => o.op(VALUE, id),
        "checked" => {
            o.op(CHECKED, id);
            o.code.push(1);
            return;
        }
        _ => {
            o.op(ATTR, id);
            o.str(name);
        }
    }
    o.str(v);
}

fn remove_attr(o: &mut Ops, id: u32, tag: &str, name: &'static str) {
    match name {
        "value" if is_prop(tag, name) => {
            o.op(VALUE, id);
            o.str("");
        }
        "checked" => {
            o.op(CHECKED, id);
            o.code.push(0);
        }
        _ => {
            o.op(UNATTR, id);
            o.str(name);
        }
    }
}

/// Patches `live` to look like `n`, replacing it when the kind differs.
fn patch(o: &mut Ops, live: &mut Live, n: Node) {
    match (&mut *live, n) {
        (Live::Text { id, s }, Node::Text(t)) => {
            if *s != t {
                o.op(DATA, *id);
                o.str(&t);
                *s = t;
            }
        }
        (
            Live::El {
                id,
                tag,
                attrs,
                kids,
                key,
            },
            Node::El(new),
        ) if same_name(tag, new.tag) => {
            let id = *id;
            let new = *new.0;
            *key = new.key;
            patch_kids(o, id, kids, new.kids);
            for (i, (name, v)) in new.attrs.iter().enumerate() {
                let same = value_of(attrs, i, name).is_some_and(|o| o == v);
                // Live properties are re-checked against the page every time.
                if !same || is_prop(tag, name) {
                    set_attr(o, id, tag, name, v);
                }
            }
            for (i, (name, _)) in attrs.iter().enumerate() {
                if value_of(&new.attrs, i, name).is_none() {
                    remove_attr(o, id, tag, name);
                }
            }
            *attrs = new.attrs;
        }
        (_, n) => {
            let fresh = create(o, n);
            o.op(REPLACE, live.id());
            o.code.push(fresh.id());
            let old = core::mem::replace(live, fresh);
            o.free(old);
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

/// Patches the children of element `parent`: by key when every child has one, else by
/// position.
fn patch_kids(o: &mut Ops, parent: u32, old: &mut Vec<Live>, new: Vec<Node>) {
    if keyed(old, &new) {
        let mut pool: Vec<Option<Live>> = old.drain(..).map(Some).collect();
        let mut out: Vec<Live> = Vec::with_capacity(new.len());
        // Whether every kept node is still in its old order and none is new: then removing
        // the others is all the placing there is to do.
        let mut in_order = true;
        let mut last_at = 0;
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
                    patch(o, &mut l, n);
                    out.push(l);
                }
                None => {
                    in_order = false;
                    let l = create_like(o, &out, n);
                    out.push(l);
                }
            }
        }
        for l in pool.into_iter().flatten() {
            o.op(REMOVE, l.id());
            o.free(l);
        }
        if !in_order {
            // Place nodes from the end: the applier leaves a node already followed by the
            // right sibling where it is.
            let mut next = 0;
            for l in out.iter().rev() {
                o.op(PLACE, parent);
                o.code.extend_from_slice(&[l.id(), next]);
                next = l.id();
            }
        }
        *old = out;
    } else {
        let mut new = new.into_iter();
        let mut i = 0;
        while i < old.len() {
            match new.next() {
                Some(n) => {
                    patch(o, &mut old[i], n);
                    i += 1;
                }
                None => {
                    for l in old.drain(i..) {
                        o.op(REMOVE, l.id());
                        o.free(l);
                    }
                }
            }
        }
        for n in new {
            let l = create_like(o, old, n);
            o.op(APPEND, parent);
            o.code.push(l.id());
            old.push(l);
        }
    }
}

/// Reads a string property (such as `value`) of a DOM object.
pub fn prop_str(v: &JsValue, name: &str) -> String {
    js_sys::Reflect::get(v, &JsValue::from_str(name))
        .ok()
        .and_then(|x| x.as_string())
        .unwrap_or_default()
}
