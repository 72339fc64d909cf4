//! The Digital Pipeline panel: which pipeline it shows, closing it, and where focus goes
//! when a source leaves its list.

use super::*;
use crate::app::action::Action;

/// The panel's title, which takes focus when the panel opens on a pipeline.
pub(in crate::app) const TITLE: &str = ".ksm-side h2";

/// Shows pipeline `pid`; another pipeline than the one shown drops what was open for it.
pub(super) fn show(s: &mut State, pid: u64, fx: &mut Vec<Effect>) {
    if pid == 0 || s.mode != Mode::Pipeline {
        return;
    }
    if s.pipeline != Some(pid) {
        if s.dialog.is_some() {
            dialog::close_dialog(s, fx);
        }
        s.pipeline = Some(pid);
    }
    if s.dialog.is_none() {
        focus(fx, TITLE);
    }
}

/// Closes the panel: the page's layer goes and focus returns to where it was.
pub(super) fn close(fx: &mut Vec<Effect>) {
    fx.push(Effect::Close);
}

/// After a save of `keys`: a source moved to another pipeline has left the panel's list
/// with the control that had focus, so focus goes to "Add source".
pub(super) fn saved(s: &State, keys: &[RowKey], fx: &mut Vec<Effect>) {
    if s.mode != Mode::Pipeline || s.dialog.is_some() {
        return;
    }
    let left = keys.iter().any(|k| {
        s.row(*k)
            .and_then(|r| r.orig.as_ref())
            .is_some_and(|o| Some(o.pipeline_id) != s.pipeline)
    });
    if left {
        focus(fx, &Action::Add.selector());
    }
}
