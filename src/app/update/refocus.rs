//! Where keyboard focus goes once a change's answer is in: the control that started it was
//! disabled while the change ran, so focus fell to the page's body.

use super::*;
use crate::app::action::Action;
use crate::app::event::row_selector;
use crate::rules::same_external_id;

/// The control that started a change, as it can be found again after the answer.
pub(super) enum Back {
    /// Nothing to give back.
    Nothing,
    /// A saved row (its name field: the row's Save button is gone once it is saved).
    Row(RowKey),
    /// A created row: the draft while the create failed, else the source with this
    /// external id.
    Created(RowKey, String),
    /// A row's Default checkbox.
    Default(RowKey),
    /// The snippet dialog's "Send a test lead".
    SendTest,
}

impl Back {
    /// What `job` (sending `call`) started from.
    pub(super) fn of(job: &Job, call: &Call) -> Back {
        match (job, call) {
            (Job::Save(keys), _) => keys.first().map_or(Back::Nothing, |k| Back::Row(*k)),
            (Job::Create(keys), Call::Create(items)) => match (keys.first(), items.first()) {
                (Some(k), Some(n)) => Back::Created(*k, n.external_id.clone()),
                _ => Back::Nothing,
            },
            (Job::Default(k), _) => Back::Default(*k),
            (Job::TestLead | Job::CheckLead, _) => Back::SendTest,
            _ => Back::Nothing,
        }
    }

    /// Asks for focus on that control, or on its row, if focus was lost.
    pub(super) fn apply(self, s: &State, fx: &mut Vec<Effect>) {
        let sel = match self {
            Back::Nothing => None,
            Back::Row(k) => s.row(k).map(|_| row_selector(k, Action::Name)),
            Back::Created(k, ext) => s
                .row(k)
                .map(|r| r.key)
                .or_else(|| created(s, &ext))
                .map(|k| row_selector(k, Action::Name)),
            Back::Default(k) => s.row(k).map(|_| row_selector(k, Action::Default)),
            Back::SendTest => s.dialog.is_some().then(|| Action::SendTest.selector()),
        };
        // A panel that closes takes the control with it.
        if let (Some(sel), false) = (sel, fx.contains(&Effect::Close)) {
            fx.push(Effect::Refocus(sel));
        }
    }
}

/// The row of the saved source with external id `ext`.
fn created(s: &State, ext: &str) -> Option<RowKey> {
    s.rows
        .iter()
        .find(|r| {
            r.orig
                .as_ref()
                .is_some_and(|o| same_external_id(&o.external_id, ext))
        })
        .map(|r| r.key)
}
