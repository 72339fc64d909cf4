//! The Traffic view: where each source's leads are, flagged when they left the source's
//! pipeline or stopped coming, with a chart per day and a source's latest leads.

use super::chart::chart;
use super::parts::{btn, small};
use crate::app::action::Action as A;
use crate::app::event::key_str;
use crate::app::node::{el, elc, text, El, Node};
use crate::app::state::*;
use crate::app::traffic::{TrafficLoad, MAX_PAGES};
use crate::i18n::{fill, Lang, T};
use crate::lead::Lead;
use crate::model::Source;
use crate::traffic::{ago, Ago, Period, Report, SourceTraffic};

/// `when` said relative to `now` in language `l`.
pub(super) fn ago_text(l: Lang, now: i64, when: i64) -> String {
    let (key, n) = match ago(now, when) {
        Ago::Now => return l.t(T::AgoNow).to_owned(),
        Ago::Minutes(n) => (T::AgoMin, n),
        Ago::Hours(n) => (T::AgoHours, n),
        Ago::Days(n) => (T::AgoDays, n),
    };
    fill(l.t(key), &[("n", &n.to_string())])
}

/// The traffic report of the saved sources, once leads were read.
pub(super) fn report(s: &State) -> Option<&Report> {
    s.traffic.report.as_ref()
}

/// The compact traffic line of a source in the list, once leads were read.
pub(super) fn line(s: &State, t: &SourceTraffic) -> Node {
    let l = s.lang;
    let days = s.traffic.period.days().to_string();
    let mut p = elc("span", "ksm-tline")
        .attr("data-traffic-line", "")
        .txt(fill(
            l.t(T::TrafficLine),
            &[("n", &t.count.to_string()), ("d", &days)],
        ));
    if let Some(at) = t.last_at {
        p = p.txt(" · ").txt(ago_text(l, s.now, at));
    }
    p.opt(flags(l, t)).into()
}

/// The warning tags of a source's traffic, if it needs any.
fn flags(l: Lang, t: &SourceTraffic) -> Option<Node> {
    if t.silent() {
        return Some(
            elc("span", "ksm-tag ksm-tag--w")
                .attr("data-flag", "silent")
                .tr(l, T::FlagSilent)
                .into(),
        );
    }
    t.wrong_pipeline().then(|| {
        elc("span", "ksm-tag ksm-tag--w")
            .attr("data-flag", "outside")
            .attr("title", l.t(T::FlagOutsideNote))
            .txt(fill(l.t(T::FlagOutside), &[("n", &t.outside.to_string())]))
            .into()
    })
}

/// A pipeline and stage by name, or by id when the account does not list them.
pub(super) fn place_text(s: &State, pipeline_id: u64, status_id: u64) -> String {
    pipeline_name(s, pipeline_id) + " › " + &stage_name(s, pipeline_id, status_id)
}

/// A pipeline by name, or by id when the account does not list it.
fn pipeline_name(s: &State, pipeline_id: u64) -> String {
    s.pipeline(pipeline_id)
        .map_or_else(|| pipeline_id.to_string(), |p| p.name.clone())
}

/// The bar over the report: period, read again or cancel, and where the read stands.
fn bar(s: &State) -> El {
    let l = s.lang;
    let t = &s.traffic;
    let period = |p: Period, act: A, label: T| {
        btn(l, act, label).attr("aria-pressed", if t.period == p { "true" } else { "false" })
    };
    let mut bar = elc("div", "ksm-bar")
        .kid(
            elc("div", "ksm-seg")
                .attr("role", "group")
                .attr("aria-label", l.t(T::TrafficTitle))
                .kid(period(Period::Week, A::Week, T::Days7))
                .kid(period(Period::Month, A::Month, T::Days30)),
        )
        .kid(elc("span", "ksm-grow"));
    bar = match &t.load {
        TrafficLoad::Loading => bar
            .kid(
                elc("span", "ksm-note")
                    .attr("role", "status")
                    .kid(
                        el("progress")
                            .attr("max", MAX_PAGES.to_string())
                            .attr("value", t.pages.to_string())
                            .attr("aria-hidden", "true"),
                    )
                    .txt(" ")
                    .txt(fill(
                        l.t(T::TrafficReading),
                        &[("n", &t.reading.len().to_string())],
                    )),
            )
            .kid(btn(l, A::TrafficCancel, T::Cancel)),
        TrafficLoad::Idle | TrafficLoad::Cancelled if t.read_at.is_none() => {
            bar.kid(btn(l, A::TrafficLoad, T::TrafficStart).class("ksm-btn ksm-btn--p"))
        }
        _ => bar.kid(btn(l, A::TrafficLoad, T::TrafficReload)),
    };
    bar
}

/// The id of the view's heading, which the top bar's link to the view focuses.
pub(super) const TRAFFIC_HEADING: &str = "ksm-traffic-h";

/// The whole Traffic view.
pub(super) fn traffic(s: &State, report: Option<&Report>) -> Node {
    let l = s.lang;
    let t = &s.traffic;
    let state = match t.load {
        TrafficLoad::Idle => "idle",
        TrafficLoad::Loading => "loading",
        TrafficLoad::Ready => "ready",
        TrafficLoad::Cancelled => "cancelled",
        TrafficLoad::Failed { .. } => "failed",
    };
    let mut sec = el("section")
        .key("traffic")
        .class("ksm-traffic")
        .attr("aria-labelledby", "ksm-traffic-h")
        .attr("data-traffic", state)
        // Focusable, so that the top bar's link to the view lands here.
        .kid(
            el("h3")
                .attr("id", TRAFFIC_HEADING)
                .attr("tabindex", "-1")
                .tr(l, T::TrafficTitle),
        )
        .kid(bar(s));
    match &t.load {
        TrafficLoad::Failed { msg, detail } => {
            let mut p = elc("p", "ksm-err").attr("role", "alert").tr(l, *msg);
            if let Some(d) = detail {
                p = p.txt(" ").txt(d.clone());
            }
            sec = sec.kid(elc("div", "ksm-banner ksm-banner--e").kid(p).kid(btn(
                l,
                A::TrafficResume,
                T::TrafficResume,
            )));
        }
        TrafficLoad::Cancelled => {
            sec = sec.kid(elc("p", "ksm-note").tr(l, T::TrafficCancelled));
        }
        _ => {}
    }
    let Some(report) = report else {
        return sec.into();
    };
    // The sources the report was computed for, entry for entry.
    let srcs = t.basis.as_ref().map_or(&[][..], |b| &b.2[..]);
    let at = t.read_at.unwrap_or(s.now);
    sec = sec.kid(elc("p", "ksm-note").attr("data-traffic-read", "").txt(fill(
        l.t(T::TrafficRead),
        &[
            ("n", &t.leads.len().to_string()),
            ("ago", &ago_text(l, s.now, at)),
        ],
    )));
    if t.truncated {
        sec = sec.kid(elc("p", "ksm-note").txt(fill(
            l.t(T::TrafficTruncated),
            &[("n", &t.leads.len().to_string())],
        )));
    }
    sec = sec.kid(chart(l, &report.daily, at, s.utc_offset));
    sec = sec.kid(table(s, srcs, report));
    if report.others > 0 {
        sec = sec.kid(elc("p", "ksm-note").attr("data-others", "").txt(fill(
            l.t(T::TrafficOthers),
            &[("n", &report.others.to_string())],
        )));
    }
    sec.into()
}

/// One row per source: its count, where its leads are, its last lead and its flags.
fn table(s: &State, srcs: &[Source], report: &Report) -> Node {
    let l = s.lang;
    let at = s.traffic.read_at.unwrap_or(s.now);
    let head = el("thead").kid(
        el("tr")
            .kid(el("th").tr(l, T::ColSource))
            .kid(el("th").tr(l, T::ColLeads))
            .kid(el("th").tr(l, T::ColLanded))
            .kid(el("th").tr(l, T::ColLast))
            .kid(el("th").tr(l, T::ColActions)),
    );
    let mut body = el("tbody");
    for (src, st) in srcs.iter().zip(&report.sources) {
        let last = st
            .last_at
            .map(|at| ago_text(l, s.now, at))
            .unwrap_or_default();
        let open = s.traffic.open == Some(src.id);
        body = body.kid(
            // No `data-k`: that marks the list's rows, which this table's are not.
            el("tr")
                .key(key_str(RowKey::Saved(src.id)))
                .kid(
                    el("th")
                        .attr("scope", "row")
                        .txt(src.name.clone())
                        .txt(" ")
                        .opt(flags(l, st)),
                )
                .kid(el("td").attr("data-count", "").txt(st.count.to_string()))
                .kid(el("td").kid(places(s, src, st)))
                .kid(el("td").txt(last))
                .kid(
                    el("td").kid(
                        small(l, A::ShowLeads, T::ShowLeads)
                            .attr("data-i", src.id.to_string())
                            .flag("disabled", st.count == 0)
                            .attr("aria-expanded", if open { "true" } else { "false" }),
                    ),
                ),
        );
        if open && st.count > 0 {
            // Under the row that opened it, across the table.
            body = body.kid(
                el("tr")
                    .key(String::from("latest-") + &key_str(RowKey::Saved(src.id)))
                    .class("ksm-latest-row")
                    .kid(el("td").attr("colspan", "5").kid(latest(s, src, st, at))),
            );
        }
    }
    el("div")
        .class("ksm-wrap")
        .kid(
            elc("table", "ksm-table")
                .attr("aria-label", l.t(T::TrafficTitle))
                .kid(head)
                .kid(body),
        )
        .into()
}

/// Where a source's leads are, by pipeline: each pipeline with its subtotal (marked when it is
/// not the source's own), then its stages.
fn places(s: &State, src: &Source, st: &SourceTraffic) -> Node {
    let l = s.lang;
    let mut ul = el("ul").class("ksm-places");
    for g in st.by_pipeline(src.pipeline_id) {
        let outside = g.pipeline_id != src.pipeline_id;
        let mut head = elc("span", "ksm-sub")
            .txt(pipeline_name(s, g.pipeline_id))
            .txt(" ")
            .kid(el("strong").txt(g.count.to_string()));
        if outside {
            head = head.txt(" ").kid(
                el("span")
                    .attr("title", l.t(T::FlagOutsideNote))
                    .attr("aria-label", l.t(T::LeadOutside))
                    .attr("role", "img")
                    .txt("⚠"),
            );
        }
        let mut stages = elc("ul", "ksm-stages");
        for p in &g.stages {
            stages = stages.kid(
                el("li")
                    .txt(stage_name(s, p.pipeline_id, p.status_id))
                    .txt(": ")
                    .txt(p.count.to_string()),
            );
        }
        ul = ul.kid(
            el("li")
                .class(if outside { "ksm-outside" } else { "" })
                .attr("data-pipeline", g.pipeline_id.to_string())
                .kid(head)
                .kid(stages),
        );
    }
    ul.into()
}

/// A stage by name, or by id when the account does not list it.
fn stage_name(s: &State, pipeline_id: u64, status_id: u64) -> String {
    s.pipeline(pipeline_id)
        .and_then(|p| p.statuses.iter().find(|st| st.id == status_id))
        .map_or_else(|| status_id.to_string(), |st| st.name.clone())
}

/// The latest leads of one source, each linking to its lead card, with its chart.
fn latest(s: &State, src: &Source, st: &SourceTraffic, at: i64) -> Node {
    let l = s.lang;
    let mut ul = el("ul").class("ksm-leads");
    for lead in &st.latest {
        ul = ul.kid(lead_item(s, src, lead));
    }
    el("div")
        .class("ksm-latest")
        .attr("data-latest", key_str(RowKey::Saved(src.id)))
        .kid(el("h4").tr(l, T::LatestOf).txt(" ").txt(src.name.clone()))
        .kid(chart(l, &st.daily, at, s.utc_offset))
        .kid(ul)
        .into()
}

/// One lead: a link to its card, where it is, and when it came.
pub(super) fn lead_item(s: &State, src: &Source, lead: &Lead) -> Node {
    let l = s.lang;
    let outside = lead.pipeline_id != src.pipeline_id;
    el("li")
        .attr("data-lead", lead.id.to_string())
        .kid(lead_link(lead))
        .txt(" · ")
        .txt(place_text(s, lead.pipeline_id, lead.status_id))
        .txt(" · ")
        .txt(ago_text(l, s.now, lead.created_at))
        .opt(outside.then(|| {
            elc("span", "ksm-tag ksm-tag--w")
                .attr("title", l.t(T::FlagOutsideNote))
                .tr(l, T::LeadOutside)
                .into()
        }))
        .into()
}

/// A link to the lead's card on the account, opened beside the settings.
pub(super) fn lead_link(lead: &Lead) -> Node {
    let name = if lead.name.trim().is_empty() {
        text(String::from("#") + &lead.id.to_string())
    } else {
        text(lead.name.clone())
    };
    el("a")
        .attr(
            "href",
            String::from("/leads/detail/") + &lead.id.to_string(),
        )
        .attr("target", "_blank")
        .attr("rel", "noopener noreferrer")
        .kid(name)
        .into()
}
