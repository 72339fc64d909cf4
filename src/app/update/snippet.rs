//! The lead snippet dialog: the `_embedded.source` object and a complex create body to copy,
//! and a test lead sent with that very body, then read back to see where it landed.

use super::*;
use crate::app::action::Action;
use crate::app::event::row_selector;
use crate::app::snippet::{leads_of, text};
use crate::app::traffic::{Snip, TestLead};
use crate::i18n::T;
use crate::lead::Lead;

/// Opens the dialog for row `k` (a saved source).
pub(super) fn open(s: &mut State, k: RowKey, fx: &mut Vec<Effect>) {
    if s.row(k).and_then(|r| r.orig.as_ref()).is_none() {
        return;
    }
    s.focus_back = Some(row_selector(k, Action::Copy));
    s.dialog = Some(Dialog::Snippet {
        key: k,
        copied: None,
        test: TestLead::Idle,
    });
    focus(fx, "[data-first]");
}

/// Asks the page to copy `snip`; the dialog says "copied" only once the clipboard took it.
pub(super) fn copy(s: &mut State, snip: Snip, fx: &mut Vec<Effect>) {
    let Some(Dialog::Snippet { key, copied, .. }) = &mut s.dialog else {
        return;
    };
    let key = *key;
    *copied = Some((snip, None));
    if let Some(t) = text(s, key, snip) {
        fx.push(Effect::Copy(t));
    }
}

/// The clipboard answered: on a refusal the text is selected, to be copied by hand.
pub(super) fn copied(s: &mut State, ok: bool, fx: &mut Vec<Effect>) {
    let Some(Dialog::Snippet {
        copied: Some((snip, result @ None)),
        ..
    }) = &mut s.dialog
    else {
        return;
    };
    *result = Some(ok);
    if !ok {
        fx.push(Effect::Select(snip.area_id()));
    }
}

/// Sends the body shown as a test lead.
pub(super) fn send_test(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(Dialog::Snippet { key, test, .. }) = &s.dialog else {
        return;
    };
    if matches!(test, TestLead::Sending | TestLead::Checking(_)) {
        return;
    }
    let Some(leads) = leads_of(s, *key) else {
        return;
    };
    set_test(s, TestLead::Sending);
    send(s, fx, Job::TestLead, Call::CreateLeads(leads));
}

/// The test lead was created: read it back, with its source, to show where it is.
pub(super) fn created(s: &mut State, ids: Vec<u64>, fx: &mut Vec<Effect>) {
    match ids.first() {
        Some(&id) => {
            set_test(s, TestLead::Checking(id));
            send(s, fx, Job::CheckLead, Call::GetLead(id));
        }
        None => set_test(
            s,
            TestLead::Failed {
                msg: T::ErrDecode,
                detail: None,
            },
        ),
    }
}

/// The test lead as the server has it now; it joins the traffic report.
pub(super) fn checked(s: &mut State, lead: Option<Lead>) {
    match lead {
        Some(lead) => {
            traffic::add_lead(s, lead.clone());
            set_test(s, TestLead::Landed(lead));
        }
        None => set_test(
            s,
            TestLead::Failed {
                msg: T::ErrNotFound,
                detail: None,
            },
        ),
    }
}

/// The create or the read back failed: the dialog says why, the server's words included.
pub(super) fn failed(s: &mut State, e: &ApiError) {
    let detail = match e {
        ApiError::Validation { problem, items } => {
            let mut parts: Vec<String> = items
                .iter()
                .flat_map(|i| i.errors.iter())
                .map(|fe| format!("{}: {}", fe.path, fe.detail))
                .collect();
            parts.extend(problem.detail.clone());
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        e => error::detail(e),
    };
    set_test(
        s,
        TestLead::Failed {
            msg: error::message(e),
            detail,
        },
    );
}

fn set_test(s: &mut State, to: TestLead) {
    if let Some(Dialog::Snippet { test, .. }) = &mut s.dialog {
        *test = to;
    }
}
