//! Closing dialogs and where keyboard focus goes back to.

use super::*;
use crate::app::action::Action;

/// Closes the open dialog: an unfinished add drops its draft (and in the add-source mode
/// closes the host's layer); any other dialog gives focus back.
pub(super) fn close_dialog(s: &mut State, fx: &mut Vec<Effect>) {
    match s.dialog.take() {
        Some(Dialog::AddSource { draft, done, .. }) => {
            if !done {
                if let Some(r) = s.row(draft) {
                    if r.orig.is_none() {
                        edit::revert(s, draft);
                    }
                }
            }
            if s.mode == Mode::AddSource {
                fx.push(Effect::Close);
            }
        }
        Some(_) => fx.push(Effect::Focus(back(s))),
        None => {}
    }
}

/// Where focus goes when a dialog or toast closes: the control that opened it, if any.
pub(super) fn back(s: &mut State) -> String {
    s.focus_back
        .take()
        .unwrap_or_else(|| Action::Add.selector())
}
