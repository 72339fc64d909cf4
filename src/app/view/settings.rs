//! The settings page: the connection test, the quota and a compact list of the sources.

use super::parts::{btn, busy, install_tag, pipeline_label, quota};
use crate::app::action::Action as A;
use crate::app::event::key_str;
use crate::app::node::{el, elc, text, Node};
use crate::app::state::*;
use crate::i18n::T;
use crate::model::Source;

/// The settings page's parts.
pub(super) fn settings(s: &State) -> Vec<Node> {
    let l = s.lang;
    let testing = s.running(|j| *j == Job::Test);
    let result = match &s.conn {
        Conn::Unknown => None,
        Conn::Ok(n) => Some(
            elc("span", "ksm-ok")
                .attr("data-conn", "ok")
                .tr(l, T::ConnOk)
                .txt(" ")
                .txt(n.to_string())
                .into(),
        ),
        Conn::Failed(m) => Some(
            elc("span", "ksm-err")
                .attr("data-conn", "failed")
                .tr(l, *m)
                .into(),
        ),
    };
    let mut list = elc("ul", "ksm-compact").attr("aria-label", l.t(T::Title));
    for r in s.rows.iter().filter(|r| r.orig.is_some()) {
        let o = r.orig.as_ref().map_or(&r.draft.name, |o| &o.name);
        let ext = r
            .orig
            .as_ref()
            .map_or(&r.draft.external_id, |o| &o.external_id);
        let mut li = el("li")
            .key(key_str(r.key))
            .kid(el("span").txt(o.clone()))
            .kid(elc("span", "ksm-code").txt(ext.clone()))
            .kid(elc("span", "ksm-note").kids(pipeline_label(s, r.draft.pipeline_id)));
        if r.orig.as_ref().is_some_and(Source::is_default) {
            li = li.kid(elc("span", "ksm-tag").tr(l, T::IsDefault));
        }
        if r.orig.as_ref().is_some_and(|o| s.is_install_source(o)) {
            li = li.kid(install_tag(l));
        }
        list = list.kid(li);
    }
    // "Connected through the integration's server" is not said of an account that is not.
    let unconnected = s.conn == Conn::Failed(T::ErrNotConnected);
    let hint = match (s.relay, unconnected) {
        (true, true) => None,
        (true, false) => Some(T::RelayHint),
        (false, _) => Some(T::ConnHint),
    };
    let mut parts: Vec<Node> = Vec::new();
    if let Some(hint) = hint {
        parts.push(el("p").key("s0").class("ksm-note").tr(l, hint).into());
    }
    parts.push(
        el("div")
            .key("s1")
            .class("ksm-bar")
            .kid(busy(
                btn(l, A::Test, T::Test).class("ksm-btn ksm-btn--p"),
                testing,
            ))
            .opt(result)
            .into(),
    );
    // Why Save was refused, read out at once; the host's field is marked too (web layer).
    if let Some((setting, msg)) = s.refusal {
        parts.push(
            el("p")
                .key("sr")
                .class("ksm-err")
                .attr("role", "alert")
                .attr("data-refusal", setting.name())
                .tr(l, msg)
                .into(),
        );
    }
    parts.extend([
        el("div").key("s2").class("ksm-bar").opt(quota(s)).into(),
        list.key("s3").into(),
        el("p")
            .key("s4")
            .class("ksm-note")
            .kids(manage_hint(s))
            .into(),
    ]);
    parts
}

/// "Create, edit and delete sources on the widget's advanced settings page", the page
/// named as a link to it once the widget's code is known.
fn manage_hint(s: &State) -> Vec<Node> {
    let l = s.lang;
    let hint = l.t(T::ManageHint);
    let (before, after) = hint.split_once("{link}").unwrap_or((hint, ""));
    let page = l.t(T::AdvancedLink);
    let link: Node = match s.widget_code.as_deref().filter(|c| is_code(c)) {
        Some(code) => el("a")
            .attr(
                "href",
                String::from("/settings/widgets/") + code + "/advanced",
            )
            .attr("data-advanced", "")
            .txt(page)
            .into(),
        None => text(page),
    };
    vec![text(before), link, text(after)]
}

/// Whether `code` can stand in a path as it is: a widget code is letters, digits, `_` and `-`.
fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
