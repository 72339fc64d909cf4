//! The manager page: search and lookup, the action bar, import errors, lookup results and
//! the table of sources.

use super::pages::wa_row;
use super::parts::{add_button, btn, busy, quota, small};
use super::row::{details_shown, pipe_opts, row};
use crate::app::action::{Action, Action as A};
use crate::app::node::{el, elc, Node};
use crate::app::state::*;
use crate::i18n::T;

/// The id of the note that says when the server lookup helps.
const LOOKUP_HINT: &str = "ksm-look-hint";

/// The manager page's parts.
pub(super) fn manager(s: &State) -> Vec<Node> {
    let l = s.lang;
    let saving = s.saving();
    let drafts = s.rows.iter().filter(|r| r.key_is_new()).count();
    let dirty = s
        .rows
        .iter()
        .filter(|r| !r.key_is_new() && r.dirty())
        .count();
    let selected = s.rows.iter().filter(|r| r.selected).count();
    let full = s.saved_count() + drafts >= s.limit;
    let creating = s.running(|j| matches!(j, Job::Create(_)));
    let saving_rows = s.running(|j| matches!(j, Job::Save(_)));
    let deleting = s.running(|j| matches!(j, Job::Delete(_)));

    let search = elc("input", "ksm-in")
        .attr("type", "search")
        .act(A::Search)
        .attr("aria-label", l.t(T::Search))
        .attr("placeholder", l.t(T::Search))
        .attr("value", s.search.clone());
    // One external id per line: an id may hold a comma. Enter finds, Shift+Enter adds a line.
    let lines = s.lookup.lines().count().clamp(1, 5);
    let lookup = elc("textarea", "ksm-in ksm-look")
        .act(A::Lookup)
        .attr("rows", lines.to_string())
        .attr("aria-label", l.t(T::Lookup))
        .attr("aria-describedby", LOOKUP_HINT)
        .attr("placeholder", l.t(T::Lookup))
        .attr("value", s.lookup.clone());
    let looking = s.running(|j| *j == Job::Lookup);
    let top = el("div")
        .key("top")
        .class("ksm-bar")
        .kid(elc("div", "ksm-grow").kid(search))
        .kid(elc("div", "ksm-grow").kid(lookup))
        .kid(busy(btn(l, A::LookupGo, T::LookupGo), looking))
        // With many sources the Traffic view starts far below: this reaches it from the top.
        .kid(btn(l, A::GoTraffic, T::TrafficTitle).class("ksm-btn ksm-jump"))
        .opt(quota(s));

    // Keyed by action: a button appearing before the others must not shift their roles.
    let mut actions = el("div")
        .key("acts")
        .class("ksm-bar")
        .kids(add_button(l, full));
    if drafts > 0 {
        actions = actions.kid(
            busy(
                btn(l, A::CreateAll, T::CreateN)
                    .key(A::CreateAll.as_str())
                    .txt(" (")
                    .txt(drafts.to_string())
                    .txt(")"),
                creating,
            )
            .flag("disabled", saving && !creating),
        );
    }
    if dirty > 0 {
        actions = actions.kid(
            busy(
                btn(l, A::SaveAll, T::SaveN)
                    .key(A::SaveAll.as_str())
                    .txt(" (")
                    .txt(dirty.to_string())
                    .txt(")"),
                saving_rows,
            )
            .flag("disabled", saving && !saving_rows),
        );
    }
    if selected > 0 {
        actions = actions.kid(busy(
            btn(l, A::DeleteSelected, T::DeleteSel)
                .key(A::DeleteSelected.as_str())
                .class("ksm-btn ksm-btn--d")
                .txt(" (")
                .txt(selected.to_string())
                .txt(")"),
            deleting || saving,
        ));
    }
    let file = el("input")
        .attr("type", "file")
        .attr("accept", "application/json,.json")
        .class("ksm-sr")
        .act(A::Import);
    actions = actions
        .kid(el("span").key("grow").class("ksm-grow"))
        // A refresh is harmless to repeat (a second click while one runs is ignored), so it
        // shows no busy state: an unchanged refresh leaves the DOM untouched.
        .kid(btn(l, A::Refresh, T::Refresh).key(A::Refresh.as_str()))
        .kid(
            btn(l, A::Export, T::Export)
                .key(A::Export.as_str())
                .flag("disabled", s.load != Load::Ready),
        )
        .kid(
            el("label")
                .key(A::Import.as_str())
                .class("ksm-btn")
                .attr("aria-disabled", if saving { "true" } else { "false" })
                .kid(file)
                .tr(l, T::Import),
        );

    let hint = el("p")
        .key("lh")
        .class("ksm-note")
        .attr("id", LOOKUP_HINT)
        .tr(l, T::LookupHint);
    let mut out: Vec<Node> = vec![top.into(), hint.into(), actions.into()];
    if let Some(e) = &s.import_error {
        let mut p = el("p")
            .key("ierr")
            .class("ksm-err")
            .attr("role", "alert")
            .attr("data-import-error", "")
            .tr(l, e.msg);
        if let Some(d) = &e.detail {
            p = p.txt(" ").txt(d.clone());
        }
        out.push(p.into());
    }
    if let Some(r) = &s.lookup_result {
        let mut p = el("div")
            .key("look")
            .class("ksm-banner")
            .attr("data-lookup", "");
        match r {
            LookupResult::Missing => p = p.kid(el("p").tr(l, T::LookupMissing)),
            LookupResult::TooMany => p = p.kid(el("p").tr(l, T::LookupTooMany)),
            LookupResult::Found(list, missing) => {
                let mut ul = el("p").tr(l, T::LookupFound);
                for x in list {
                    ul = ul
                        .txt(" ")
                        .kid(el("strong").txt(x.name.clone()))
                        .txt(" · ")
                        .kid(elc("span", "ksm-code").txt(x.external_id.clone()))
                        .txt(" · #")
                        .txt(x.id.to_string())
                        .txt(" ")
                        .kid(
                            small(l, A::ShowFound, T::LookupShow)
                                .attr("data-i", x.id.to_string())
                                .attr("aria-label", {
                                    let mut label = String::from(l.t(T::LookupShow));
                                    label.push_str(": ");
                                    label.push_str(&x.name);
                                    label
                                }),
                        );
                }
                p = p.kid(ul);
                if !missing.is_empty() {
                    let mut none = el("p").tr(l, T::LookupNotFound);
                    for (i, id) in missing.iter().enumerate() {
                        none = none
                            .txt(if i == 0 { " " } else { ", " })
                            .kid(elc("span", "ksm-code").txt(id.clone()));
                    }
                    p = p.kid(none);
                }
            }
        }
        out.push(p.into());
    }
    // The list does not wait for the pipelines: until their names are in, each picker
    // holds only the row's own pipeline, disabled and marked busy (see `pipeline_select`).
    if s.load == Load::Loading {
        out.push(
            el("p")
                .key("load")
                .class("ksm-note")
                .tr(l, T::Loading)
                .into(),
        );
        return out;
    }
    let rows = s.visible();
    let empty = if s.rows.is_empty() {
        T::Empty
    } else {
        T::NoMatch
    };
    // One report for the list's lines and the Traffic view.
    let report = super::traffic::report(s);
    out.push(table(s, &rows, true, empty, report));
    out.push(super::traffic::traffic(s, report));
    out
}

/// A column header that sorts by `by`; `aria-sort` is the header's, as ARIA allows it only
/// on a column header.
fn sort_th(s: &State, act: Action, by: SortBy, label: T) -> Node {
    let dir = match (s.sort == by, s.sort_desc) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let button = el("button")
        .attr("type", "button")
        .class("ksm-sort")
        .act(act)
        .txt(s.lang.t(label));
    let class = if act == A::SortName {
        "ksm-c-name"
    } else {
        "ksm-c-ext"
    };
    el("th")
        .class(class)
        .attr("aria-sort", dir)
        .kid(button)
        .into()
}

/// The table of `rows`, with each open WhatsApp panel under its row; `bulk` adds the
/// selection column, and `empty` says why there are no rows.
pub(super) fn table(
    s: &State,
    rows: &[&Row],
    bulk: bool,
    empty: T,
    report: Option<&crate::traffic::Report>,
) -> Node {
    let l = s.lang;
    let saved_visible: Vec<&&Row> = rows.iter().filter(|r| r.orig.is_some()).collect();
    let all_sel = !saved_visible.is_empty() && saved_visible.iter().all(|r| r.selected);
    let select_all = elc("th", "ksm-c-sel").kid(
        el("input")
            .attr("type", "checkbox")
            .class("ksm-chk")
            .act(A::SelectAll)
            .attr("aria-label", l.t(T::SelectAll))
            .flag("checked", all_sel),
    );
    // The panel's rows show the pipeline, origin code and pages under them ("Details").
    let compact = s.mode == Mode::Pipeline;
    let th = |t: T, class: &'static str| -> Option<Node> {
        (!compact).then(|| elc("th", class).tr(l, t).into())
    };
    let head = el("thead").kid(
        el("tr")
            .opt(bulk.then(|| select_all.into()))
            .kid(sort_th(s, A::SortName, SortBy::Name, T::ColName))
            .kid(sort_th(s, A::SortExt, SortBy::ExternalId, T::ColExt))
            .opt(th(T::ColPipeline, "ksm-c-pipe"))
            .kid(elc("th", "ksm-c-def").tr(l, T::ColDefault))
            .opt(th(T::ColOrigin, "ksm-c-origin"))
            .opt(th(T::ColWa, "ksm-c-wa"))
            .kid(elc("th", "ksm-c-acts").tr(l, T::ColActions)),
    );
    let opts = pipe_opts(s);
    let cols = match (compact, bulk) {
        (true, _) => "4",
        (false, true) => "8",
        (false, false) => "7",
    };
    let mut body = el("tbody");
    for r in rows {
        let traffic = match (report, &r.orig) {
            (Some(rep), Some(o)) => rep.of(o.id),
            _ => None,
        };
        body = body.kid(row(s, r, &opts, bulk, traffic));
        if details_shown(s, r) {
            body = body.kid(wa_row(s, r, cols, &opts));
        }
    }
    let mut wrap = el("div").key("tbl").class("ksm-wrap").kid(
        elc("table", "ksm-table")
            .attr("aria-label", l.t(T::Title))
            .kid(head)
            .kid(body),
    );
    // After a failed first load the list is unknown, not empty: the banner says why.
    if rows.is_empty() && s.load == Load::Ready {
        wrap = wrap.kid(elc("p", "ksm-empty").tr(l, empty));
    }
    wrap.into()
}
