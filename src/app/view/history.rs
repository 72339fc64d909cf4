//! The History section of the advanced page (relay mode): who changed which source and
//! when, field by field, with Restore and Revert; and the dialog that asks before a revert
//! overwrites later changes.

use super::parts::{btn, busy, dialog_shell, list_of, small};
use crate::app::action::Action as A;
use crate::app::history::{changed, conflicts, page_moves, revert_patch, when_text, Part, Shape};
use crate::app::node::{el, elc, text, El, Node};
use crate::app::state::*;
use crate::i18n::{Lang, T};
use crate::model::Page;
use relay_contract::{Action as Did, Change};

/// The id of the section's heading, where a row's "History" puts focus.
pub(super) const HISTORY_HEADING: &str = "ksm-hist-h";

/// The History section: one line in direct mode, where nothing records changes.
pub(super) fn history(s: &State) -> Node {
    let l = s.lang;
    let sec = el("section")
        .key("hist")
        .class("ksm-hist")
        .attr("data-history", "")
        .attr("aria-labelledby", HISTORY_HEADING)
        .kid(
            el("h2")
                .attr("id", HISTORY_HEADING)
                .attr("tabindex", "-1")
                .tr(l, T::HistTitle),
        );
    if !s.relay {
        return sec
            .kid(
                elc("p", "ksm-note")
                    .attr("data-hist-relay", "")
                    .tr(l, T::HistNeedsRelay),
            )
            .into();
    }
    let h = &s.history;
    let reading = s.running(|j| matches!(j, Job::History(_)));
    let mut sec = sec.kid(filters(s, reading));
    if h.load != crate::app::history::HistoryLoad::Idle || !h.entries.is_empty() {
        let mut ol = elc("ol", "ksm-hist-list");
        for (i, c) in h.entries.iter().enumerate() {
            ol = ol.kid(entry(s, i, c));
        }
        sec = sec.kid(ol);
    }
    let note = |t: T| Some(elc("p", "ksm-note").attr("role", "status").tr(l, t).into());
    sec = sec.opt(match h.load {
        _ if reading => note(T::Loading),
        crate::app::history::HistoryLoad::Failed => note(T::HistFailed),
        crate::app::history::HistoryLoad::Ready if h.entries.is_empty() => note(T::HistEmpty),
        _ => None,
    });
    sec.opt(
        h.next
            .as_ref()
            .map(|_| busy(btn(l, A::HistoryMore, T::HistMore), reading).into()),
    )
    .into()
}

/// The source and user filters, and the button that reads the history (again).
fn filters(s: &State, reading: bool) -> El {
    let l = s.lang;
    let h = &s.history;
    let mut src = elc("select", "ksm-in ksm-in--s")
        .act(A::HistorySource)
        .kid(el("option").attr("value", "").tr(l, T::HistAllSources));
    let mut known = h.source.is_none();
    for o in s.rows.iter().filter_map(|r| r.orig.as_ref()) {
        known |= Some(o.id) == h.source;
        src = src.kid(
            el("option")
                .attr("value", o.id.to_string())
                .txt(o.name.clone()),
        );
    }
    if let (false, Some(id)) = (known, h.source) {
        // A source deleted since: named by its id, as it is no longer in the list.
        src = src.kid(
            el("option")
                .attr("value", id.to_string())
                .txt(format!("#{id}")),
        );
    }
    let src = src.attr(
        "value",
        h.source.map_or_else(String::new, |id| id.to_string()),
    );
    let mut user = elc("select", "ksm-in ksm-in--s")
        .act(A::HistoryUser)
        .kid(el("option").attr("value", "").tr(l, T::HistAllUsers));
    for (id, name) in &h.users {
        user = user.kid(el("option").attr("value", id.to_string()).txt(name.clone()));
    }
    let user = user.attr(
        "value",
        h.user.map_or_else(String::new, |id| id.to_string()),
    );
    let label = |t: T, control: El| el("label").tr(l, t).txt(" ").kid(control);
    let go = if h.load == crate::app::history::HistoryLoad::Idle {
        btn(l, A::HistoryLoad, T::HistShow).class("ksm-btn ksm-btn--p")
    } else {
        btn(l, A::HistoryLoad, T::Refresh)
    };
    elc("div", "ksm-bar")
        .kid(label(T::ColSource, src))
        .kid(label(T::HistUser, user))
        .kid(busy(go, reading))
}

/// The name an entry's source goes by: as the change left it, as it was, as the list has
/// it, or its id.
fn source_name(s: &State, c: &Change) -> String {
    let fields = c.after.as_ref().or(c.before.as_ref());
    let listed = || {
        let id = u64::try_from(c.source_id?).ok()?;
        Some(s.row(RowKey::Saved(id))?.orig.as_ref()?.name.clone())
    };
    fields
        .map(|f| f.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(listed)
        .unwrap_or_else(|| c.source_id.map_or_else(String::new, |id| format!("#{id}")))
}

/// One entry: who, when, what, and its undo.
fn entry(s: &State, i: usize, c: &Change) -> Node {
    let l = s.lang;
    let did = match c.action {
        Did::Create => T::HistCreate,
        Did::Update => T::HistUpdate,
        Did::Delete => T::HistDelete,
    };
    let name = source_name(s, c);
    let mut who = elc("p", "ksm-hist-who")
        .kid(el("strong").txt(c.user_name.clone()))
        .txt(" · ")
        .kid(el("time").txt(when_text(c.at, s.utc_offset)))
        .txt(" · ")
        .tr(l, did)
        .txt(" ")
        .kid(el("strong").txt(name.clone()));
    if let Some(ext) = &c.external_id {
        who = who.txt(" ").kid(elc("span", "ksm-code").txt(ext.clone()));
    }
    if c.refused() {
        who = who.txt(" ").kid(
            elc("span", "ksm-tag ksm-tag--w")
                .attr("data-refused", "")
                .attr("title", l.t(T::HistRefusedNote))
                .tr(l, T::HistRefused),
        );
    }
    let mut li = el("li")
        .key(i.to_string())
        .class("ksm-hist-e")
        .attr("data-hist-entry", c.action.as_str())
        .kid(who);
    let what = match (c.action, &c.before, &c.after) {
        _ if c.refused() => vec![elc("p", "ksm-note").tr(l, T::HistRefusedNote).into()],
        (Did::Update, Some(b), Some(a)) => {
            let (b, a) = (Shape::of_fields(b), Shape::of_fields(a));
            changed(c).into_iter().map(|p| diff(s, &b, &a, p)).collect()
        }
        (Did::Create, _, Some(f)) | (Did::Delete, Some(f), _) => {
            let f = Shape::of_fields(f);
            Part::ALL.into_iter().map(|p| field(s, &f, p)).collect()
        }
        _ => Vec::new(),
    };
    if !what.is_empty() {
        li = li.kid(elc("ul", "ksm-changes").kids(what));
    }
    let undo = match c.action {
        _ if c.refused() => None,
        Did::Delete if c.before.is_some() && c.external_id.is_some() => {
            Some((A::Restore, T::HistRestore))
        }
        Did::Update if revert_patch(c).is_some() => Some((A::RevertChange, T::HistRevert)),
        _ => None,
    };
    if let Some((act, label)) = undo {
        let mut named = String::from(l.t(label));
        named.push(' ');
        named.push_str(&name);
        li = li.kid(
            small(l, act, label)
                .attr("data-i", i.to_string())
                .attr("aria-label", named)
                .flag("disabled", s.saving()),
        );
    }
    if let Some((_, msg, detail)) = s.history.note.as_ref().filter(|n| n.0 == i) {
        let mut p = elc("p", "ksm-err")
            .attr("role", "alert")
            .attr("data-hist-note", "")
            .tr(l, *msg);
        if let Some(d) = detail {
            p = p.txt(" ").txt(d.clone());
        }
        li = li.kid(p);
    }
    li.into()
}

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
fn field(s: &State, f: &Shape, p: Part) -> Node {
    el("li")
        .tr(s.lang, label(p))
        .txt(": ")
        .txt(value(s, f, p))
        .into()
}

/// One field an edit changed, before → after; WhatsApp pages as added, removed, changed.
fn diff(s: &State, b: &Shape, a: &Shape, p: Part) -> Node {
    let l = s.lang;
    let li = el("li")
        .attr("data-part", format!("{p:?}").to_lowercase())
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

/// Asks before reverting entry `i` over what its source has now (`current`).
pub(super) fn conflict(s: &State, i: usize, current: &crate::model::Source) -> Node {
    let l = s.lang;
    let Some(c) = s.history.entries.get(i) else {
        return text("");
    };
    let now = Shape::of_source(current);
    let back = c.before.as_ref().map(Shape::of_fields).unwrap_or_default();
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
