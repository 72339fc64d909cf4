//! The messages around the content: the live status line, the error banner and the undo
//! toast.

use super::parts::{btn, list_of};
use crate::app::action::Action as A;
use crate::app::node::{el, text, Node};
use crate::app::state::*;
use crate::i18n::{fill, Lang, Plural, T};

/// Kommo's Settings > Integrations page, where the widget's settings and the integration's
/// install are.
const INTEGRATIONS: &str = "/settings/widgets/";

/// The polite live region: "saving", or the last outcome.
pub(super) fn live_status(s: &State) -> Node {
    let l = s.lang;
    // Always present, in a slot of its own height that stays in view: a message coming or
    // going neither moves the page nor lands out of sight.
    let mut p = el("p")
        .key("st")
        .class("ksm-note ksm-status")
        .attr("aria-live", "polite")
        .attr("data-status", "");
    if s.saving() && s.countdown == 0 && s.pending.is_none() {
        p = p.tr(l, T::Saving);
    } else if let (Some((T::MovedTo, _)), Some(pid)) = (s.status, s.moved_to) {
        let name = s
            .pipeline(pid)
            .map_or_else(|| pid.to_string(), |p| p.name.clone());
        p = p.txt(fill(l.t(T::MovedTo), &[("name", &name)]));
    } else if let Some((m, n)) = s.status {
        p = match Plural::of(m) {
            Some(counted) => return p.txt(l.count(counted, n)).into(),
            None => p.tr(l, m),
        };
        if n > 0 {
            p = p.txt(" ").txt(n.to_string());
        }
    }
    p.into()
}

/// The banner of the last error (or notice), with its retry button.
pub(super) fn banner(s: &State) -> Option<Node> {
    let l = s.lang;
    let b = s.banner.as_ref()?;
    let mut p = if s.countdown > 0 && b.msg == T::ErrRateLimited {
        el("p").kids(counted(
            l,
            T::RetryIn_other,
            s.countdown as usize,
            "data-countdown",
        ))
    } else {
        el("p").tr(l, b.msg)
    };
    if let Some(d) = &b.detail {
        p = p.txt(" (").txt(d.clone()).txt(")");
    }
    let mut div = el("div")
        .key("bn")
        .class(if b.error {
            "ksm-banner ksm-banner--e"
        } else {
            "ksm-banner"
        })
        .attr("role", "alert")
        .kid(p);
    if b.retry && s.retry.is_some() {
        div = div.kid(btn(l, A::Retry, T::Retry).class("ksm-btn ksm-btn--p"));
    }
    // Where the fix is made: a token is entered, or the integration reinstalled, there.
    if matches!(s.blocked, Some(T::ErrUnauthorized | T::ErrNotConnected)) {
        div = div.kid(
            el("a")
                .attr("href", INTEGRATIONS)
                .attr("data-fix", "")
                .tr(l, T::OpenIntegrations),
        );
    }
    Some(div.into())
}

/// The text of the plural `other` for `n`, its number in a `strong` marked `mark`, so that
/// a countdown's number stands out and can be found.
fn counted(l: Lang, other: T, n: usize, mark: &'static str) -> Vec<Node> {
    let form = Plural::of(other).map_or_else(|| l.t(other), |p| l.form(p, n));
    let (before, after) = form.split_once("{n}").unwrap_or((form, ""));
    vec![
        text(before),
        el("strong").attr(mark, "").txt(n.to_string()).into(),
        text(after),
    ]
}

/// The undo toast of a pending delete.
pub(super) fn toast(s: &State) -> Option<Node> {
    let l = s.lang;
    let p = s.pending.as_ref()?;
    Some(
        el("div")
            .key("to")
            .class("ksm-toast")
            .attr("role", "status")
            .kid(
                el("p")
                    .kids(counted(
                        l,
                        T::DeletingIn_other,
                        p.left as usize,
                        "data-undo-left",
                    ))
                    .txt(" · ")
                    .txt(list_of(&p.names)),
            )
            .kid(btn(l, A::Undo, T::Undo))
            .into(),
    )
}
