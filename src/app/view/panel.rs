//! Digital Pipeline: the widget's own panel with one pipeline's sources of the integration,
//! in the manager's table (edit, make default, move by its pipeline picker, delete), and
//! "Add source" beside them.

use super::banner::{banner, live_status, toast};
use super::dialog::dialog;
use super::list::table;
use super::parts::{add_button, guarded, pipeline_label, quota};
use crate::app::action::Action as A;
use crate::app::node::{el, elc, text, Node};
use crate::app::state::*;
use crate::i18n::T;

/// The panel: a modal dialog titled with its pipeline, closed by its own button.
pub(super) fn panel(s: &State) -> Node {
    let l = s.lang;
    let mut title = vec![text(l.t(T::PanelTitle)), text(" ")];
    if let Some(pid) = s.pipeline {
        title.extend(pipeline_label(s, pid));
    }
    let label = title.iter().map(Node::text_content).collect::<String>();
    let head = el("div")
        .key("hd")
        .class("ksm-head")
        // Focus goes to the title on opening, so it is read first.
        .kid(el("h2").attr("tabindex", "-1").kids(title))
        .kid(
            el("button")
                .attr("type", "button")
                .class("ksm-x")
                .act(A::ClosePanel)
                .attr("aria-label", l.t(T::Close))
                .attr("title", l.t(T::Close))
                .txt("\u{d7}"),
        );
    el("section")
        .class("ksm-side")
        .attr("role", "dialog")
        .attr("aria-modal", "true")
        .attr("aria-label", label)
        .kid(head)
        .kid(live_status(s))
        .opt(banner(s))
        .opt(dialog(s))
        .kids(guarded(s, content(s)))
        .opt(toast(s))
        .into()
}

/// The pipeline's sources and "Add source", once there is something to show.
fn content(s: &State) -> Vec<Node> {
    let l = s.lang;
    let note = |key: &'static str, t: T| -> Vec<Node> {
        vec![el("p").key(key).class("ksm-note").tr(l, t).into()]
    };
    if s.pipeline.is_none() {
        return note("nop", T::NoPipeline);
    }
    if s.load == Load::Loading {
        return note("load", T::Loading);
    }
    let drafts = s.rows.iter().filter(|r| r.key_is_new()).count();
    let full = s.saved_count() + drafts >= s.limit;
    // While the add form is open, its own Create is the way to add: a second "Add source"
    // under it would only reopen it.
    let adding = matches!(s.dialog, Some(Dialog::AddSource { done: false, .. }));
    let bar = el("div")
        .key("pb")
        .class("ksm-bar")
        .kids(if adding {
            Vec::new()
        } else {
            add_button(l, full)
        })
        .kid(elc("span", "ksm-grow").key("grow"))
        .opt(quota(s));
    let rows = s.in_pipeline();
    vec![
        bar.into(),
        table(s, &rows, false, T::PanelEmpty, super::traffic::report(s)),
    ]
}
