//! The lead snippet dialog: the two texts to copy, the test lead and where it landed.

use super::parts::{btn, busy, dialog_shell};
use super::traffic::{lead_link, place_text};
use crate::app::action::Action as A;
use crate::app::node::{el, elc, text, El, Node};
use crate::app::snippet;
use crate::app::state::*;
use crate::app::traffic::{Snip, TestLead};
use crate::i18n::{fill, Lang, T};

/// A labelled read-only text area holding `snip`, with its copy button.
fn area(s: &State, key: RowKey, snip: Snip, label: T, copy: (A, T), first: bool) -> El {
    let l = s.lang;
    let value = snippet::text(s, key, snip).unwrap_or_default();
    let rows = value.lines().count().clamp(2, 12).to_string();
    el("div")
        .class("ksm-snip")
        .kid(
            el("label")
                .attr("for", snip.area_id())
                .class("ksm-label")
                .tr(l, label),
        )
        .kid(
            elc("textarea", "ksm-in ksm-code")
                .attr("id", snip.area_id())
                .attr("rows", rows)
                .attr("readonly", "")
                .attr("spellcheck", "false")
                .attr("value", value),
        )
        .kid(
            btn(l, copy.0, copy.1)
                .attr("aria-controls", snip.area_id())
                .flag("data-first", first),
        )
}

/// What became of the last copy.
fn copy_note(l: Lang, copied: &Option<(Snip, Option<bool>)>) -> Option<Node> {
    let (snip, ok) = (*copied)?;
    let msg = match (ok?, snip) {
        (true, Snip::Source) => T::Copied,
        (true, Snip::Body) => T::CopiedBody,
        (false, _) => T::CopyFailed,
    };
    Some(
        el("p")
            .class(if ok == Some(true) {
                "ksm-ok"
            } else {
                "ksm-err"
            })
            .attr("role", "status")
            .attr(
                "data-copied",
                if ok == Some(true) { "ok" } else { "refused" },
            )
            .tr(l, msg)
            .into(),
    )
}

/// Where the test lead stands, and where it landed.
fn test_note(s: &State, key: RowKey, test: &TestLead) -> Option<Node> {
    let l = s.lang;
    let src = s.row(key)?.orig.as_ref()?;
    let p = elc("div", "ksm-test")
        .attr("role", "status")
        .attr("data-test", "");
    Some(match test {
        TestLead::Idle => return None,
        TestLead::Sending => p.tr(l, T::TestSending).into(),
        TestLead::Checking(_) => p.tr(l, T::TestChecking).into(),
        TestLead::Landed(lead) => {
            let sourced = crate::traffic::from_source(lead, src);
            let inside = lead.pipeline_id == src.pipeline_id;
            let verdict = match (sourced, inside) {
                (false, _) => elc("p", "ksm-err").tr(l, T::TestNoSource),
                (true, false) => elc("p", "ksm-err").tr(l, T::TestOutside),
                (true, true) => elc("p", "ksm-ok").tr(l, T::TestInSource),
            };
            p.attr("data-landed", lead.pipeline_id.to_string())
                .kid(
                    el("p")
                        .tr(l, T::TestLanded)
                        .txt(" ")
                        .kid(lead_link(lead))
                        .txt(" · ")
                        .txt(place_text(s, lead.pipeline_id, lead.status_id)),
                )
                .kid(verdict)
                .kid(delete_hint(l, lead.id))
                .into()
        }
        TestLead::Failed { msg, detail } => {
            let mut e = elc("p", "ksm-err")
                .attr("role", "alert")
                .tr(l, T::TestFailed)
                .txt(" ")
                .tr(l, *msg);
            if let Some(d) = detail {
                e = e.txt(" ").txt(d.clone());
            }
            p.kid(e).into()
        }
    })
}

/// How to remove the test lead: the Leads API has no DELETE, the lead's card has.
fn delete_hint(l: Lang, id: u64) -> El {
    elc("p", "ksm-note")
        .attr("data-delete-hint", "")
        .tr(l, T::SnippetDelete)
        .txt(" ")
        .kid(
            el("a")
                .attr("href", String::from("/leads/detail/") + &id.to_string())
                .attr("target", "_blank")
                .attr("rel", "noopener noreferrer")
                .tr(l, T::SnippetOpenCard),
        )
}

/// Said before anything is sent: the test lead is a real one, where it will land, and that
/// the stage's automations run for it.
fn real_note(s: &State, key: RowKey) -> Option<Node> {
    let (pipeline, stage) = snippet::landing(s, key)?;
    let place = match stage {
        Some(st) => pipeline + " › " + &st,
        None => pipeline,
    };
    Some(
        elc("p", "ksm-note ksm-warn")
            .attr("id", WARN_ID)
            .attr("data-test-warn", "")
            .txt(fill(s.lang.t(T::SnippetReal), &[("place", &place)]))
            .into(),
    )
}

/// The id of that note, which describes the send button.
const WARN_ID: &str = "ksm-test-warn";

/// The dialog for the source of row `key`.
pub(super) fn snippet(
    s: &State,
    key: RowKey,
    copied: &Option<(Snip, Option<bool>)>,
    test: &TestLead,
) -> Node {
    let l = s.lang;
    let name = s
        .row(key)
        .and_then(|r| r.orig.as_ref())
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let sending = matches!(test, TestLead::Sending | TestLead::Checking(_));
    let body = vec![
        area(
            s,
            key,
            Snip::Source,
            T::SnippetSource,
            (A::CopySource, T::CopySource),
            true,
        )
        .into(),
        area(
            s,
            key,
            Snip::Body,
            T::SnippetBody,
            (A::CopyBody, T::CopyBody),
            false,
        )
        .into(),
    ];
    let bar = elc("div", "ksm-bar")
        .kid(busy(
            btn(l, A::SendTest, T::SendTestLead)
                .class("ksm-btn ksm-btn--p")
                .attr("aria-describedby", WARN_ID),
            sending,
        ))
        .kid(elc("span", "ksm-grow"))
        .kid(btn(l, A::Close, T::Close));
    let mut all = body;
    all.extend(copy_note(l, copied));
    all.extend(test_note(s, key, test));
    all.extend(real_note(s, key));
    all.push(bar.into());
    dialog_shell(
        s,
        vec![text(l.t(T::SnippetTitle)), text(" · "), text(name)],
        all,
    )
}
