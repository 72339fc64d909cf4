//! The fields of a history entry as the admin reads them: a created or deleted source's
//! fields, an edit's before → after (WhatsApp pages as added, removed, changed), and the
//! dialog that shows what a revert would overwrite.

use super::parts::{btn, dialog_shell, list_of};
use crate::app::action::Action as A;
use crate::app::history::{conflicts, page_moves, EntryRef, Part, Shape};
use crate::app::node::{el, elc, text, Node};
use crate::app::state::*;
use crate::i18n::{Lang, T};
use crate::model::Page;

/// The label of field `p`.
fn label(p: Part) -> T {
    match p {
        Part::Name => T::ColName,
        Part::Pipeline => T::ColPipeline,
        Part::Default => T::ColDefault,
        Part::Origin => T::ColOrigin,
        Part::Services => T::ColWa,
    }
}

/// Field `p` of `f` as the admin reads it; pipelines by the account's names.
fn value(s: &State, f: &Shape, p: Part) -> String {
    let l = s.lang;
    match p {
        Part::Name => format!("“{}”", f.name),
        Part::Pipeline => f.pipeline_id.map_or_else(
            || l.t(T::HistNone).to_owned(),
            |id| {
                s.pipeline(id)
                    .map_or_else(|| id.to_string(), |p| p.name.clone())
            },
        ),
        Part::Default => l.t(if f.default { T::Yes } else { T::No }).to_owned(),
        Part::Origin => f
            .origin_code
            .as_ref()
            .map_or_else(|| "—".to_owned(), |o| format!("“{o}”")),
        Part::Services => pages_text(l, &f.pages()),
    }
}

/// Pages by name and phone, or "none".
fn pages_text(l: Lang, pages: &[&Page]) -> String {
    if pages.is_empty() {
        return l.t(T::HistNone).to_owned();
    }
    let names: Vec<String> = pages
        .iter()
        .map(|p| format!("{} ({})", p.name, p.link))
        .collect();
    list_of(&names)
}

/// One field of a created or deleted source.
pub(super) fn field(s: &State, f: &Shape, p: Part) -> Node {
    el("li")
        .tr(s.lang, label(p))
        .txt(": ")
        .txt(value(s, f, p))
        .into()
}

/// One field an edit changed, before → after; WhatsApp pages as added, removed, changed.
pub(super) fn diff(s: &State, b: &Shape, a: &Shape, p: Part) -> Node {
    let l = s.lang;
    let li = el("li")
        .attr("data-part", p.as_str())
        .tr(l, label(p))
        .txt(": ");
    if p != Part::Services {
        return li
            .kid(elc("span", "ksm-was").txt(value(s, b, p)))
            .txt(" → ")
            .kid(el("strong").txt(value(s, a, p)))
            .into();
    }
    let m = page_moves(b, a);
    let mut ul = el("ul");
    for (t, pages) in [
        (T::HistPagesAdded, &m.added),
        (T::HistPagesRemoved, &m.removed),
        (T::HistPagesChanged, &m.changed),
    ] {
        if !pages.is_empty() {
            let refs: Vec<&Page> = pages.iter().collect();
            ul = ul.kid(el("li").tr(l, t).txt(" ").txt(pages_text(l, &refs)));
        }
    }
    if m.flags {
        ul = ul.kid(el("li").tr(l, T::HistFlags));
    }
    li.kid(ul).into()
}

/// Asks before reverting entry `at` over what its source has now (`current`).
pub(super) fn conflict(s: &State, at: EntryRef, current: &crate::model::Source) -> Node {
    let l = s.lang;
    let Some(c) = s.history.entry(at) else {
        return text("");
    };
    let now = Shape::of_source(current);
    let back = c.before.clone().unwrap_or_default();
    let mut ul = elc("ul", "ksm-changes").attr("data-conflicts", "");
    for p in conflicts(c, current) {
        ul = ul.kid(
            el("li")
                .tr(l, label(p))
                .txt(": ")
                .kid(el("strong").txt(value(s, &now, p)))
                .txt(" (")
                .tr(l, T::HistNow)
                .txt(") → ")
                .kid(elc("span", "ksm-was").txt(value(s, &back, p)))
                .txt(" (")
                .tr(l, T::HistRevertTo)
                .txt(")"),
        );
    }
    let body = vec![
        el("p").tr(l, T::HistConflictNote).into(),
        ul.into(),
        elc("div", "ksm-bar")
            .kid(
                btn(l, A::ConfirmRevert, T::HistRevertAnyway)
                    .class("ksm-btn ksm-btn--p")
                    .attr("data-first", ""),
            )
            .kid(btn(l, A::Close, T::Cancel))
            .into(),
    ];
    let title = String::from(l.t(T::HistConflictTitle)) + ": " + &current.name;
    dialog_shell(s, vec![text(title)], body)
}
