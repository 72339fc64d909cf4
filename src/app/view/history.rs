//! The History section of the advanced page (relay mode): who changed which source and
//! when, with Restore and Revert; the fields of an entry are `history_fields`'.

use super::history_fields::{diff, field};
use super::parts::{btn, busy, small};
use crate::app::action::Action as A;
use crate::app::history::{revert_patch, when_text, Entry, HistoryLoad, Part};
use crate::app::node::{el, elc, El, Node};
use crate::app::state::*;
use crate::i18n::T;
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
            // A part of the page, like the Traffic view: a heading under the page's own.
            el("h3")
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
    if h.load != HistoryLoad::Idle || !h.entries.is_empty() {
        let mut ol = elc("ol", "ksm-hist-list");
        for (i, c) in h.entries.iter().enumerate() {
            ol = ol.kid(entry(s, i, c));
        }
        sec = sec.kid(ol);
    }
    let note = |t: T| Some(elc("p", "ksm-note").attr("role", "status").tr(l, t).into());
    sec = sec.opt(match h.load {
        _ if reading => note(T::Loading),
        HistoryLoad::Failed => note(T::HistFailed),
        HistoryLoad::Ready if h.entries.is_empty() => note(T::HistEmpty),
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
    let go = if h.load == HistoryLoad::Idle {
        btn(l, A::HistoryLoad, T::HistShow).class("ksm-btn ksm-btn--p")
    } else {
        // Not "Refresh": the list's own Refresh is on the same page.
        btn(l, A::HistoryLoad, T::HistReload)
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
fn entry(s: &State, i: usize, c: &Entry) -> Node {
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
        (Did::Update, Some(b), Some(a)) => c.changed.iter().map(|&p| diff(s, b, a, p)).collect(),
        (Did::Create, _, Some(f)) | (Did::Delete, Some(f), _) => {
            Part::ALL.into_iter().map(|p| field(s, f, p)).collect()
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
