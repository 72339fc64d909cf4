//! Closing dialogs and where keyboard focus goes back to.

use super::*;
use crate::app::action::Action;

/// Closes the open dialog and gives focus back: an unfinished add drops its draft.
pub(super) fn close_dialog(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(d) = s.dialog.take() {
        if let Dialog::AddSource {
            draft, done: false, ..
        } = d
        {
            if s.row(draft).is_some_and(|r| r.orig.is_none()) {
                edit::revert(s, draft);
            }
        }
        fx.push(Effect::Focus(back(s)));
    }
}

/// Where focus goes when a dialog or toast closes: the control that opened it, if any.
pub(super) fn back(s: &mut State) -> String {
    s.focus_back
        .take()
        .unwrap_or_else(|| Action::Add.selector())
}
