//! The Digital Pipeline panel: which pipeline it shows, closing it, and where focus goes
//! when a source leaves its list.

use super::*;
use crate::app::action::Action;
use crate::app::event::row_selector;
use crate::i18n::T;

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

/// Closes the panel (the page's layer goes and focus returns to where it was), unless that
/// would drop work: a running save is let finish first, and unsaved rows are asked about.
pub(super) fn close(s: &mut State, fx: &mut Vec<Effect>) {
    if s.running(Job::mutating) {
        s.closing = true;
        s.status = Some((T::ClosingAfterSave, 0));
        return;
    }
    if s.unsaved() == 0 {
        return fx.push(Effect::Close);
    }
    // "Keep editing" goes back to the first row with the changes.
    s.focus_back = s
        .rows
        .iter()
        .find(|r| r.dirty())
        .map(|r| row_selector(r.key, Action::Name));
    s.dialog = Some(Dialog::Discard);
    focus(fx, "[data-first]");
}

/// Closes the panel, its unsaved changes with it, as the admin confirmed.
pub(super) fn discard(s: &mut State, fx: &mut Vec<Effect>) {
    if s.dialog == Some(Dialog::Discard) {
        s.dialog = None;
        fx.push(Effect::Close);
    }
}

/// A save failed: the panel stays open on what it says.
pub(super) fn close_failed(s: &mut State) {
    if s.closing {
        s.closing = false;
        s.status = None;
    }
}

/// After an answer: a close that waited for a save happens now, unless the save left
/// something to see (an error, or rows still unsaved), which then stays on screen.
pub(super) fn close_when_saved(s: &mut State, fx: &mut Vec<Effect>) {
    if !s.closing || s.running(Job::mutating) {
        return;
    }
    s.closing = false;
    if s.status == Some((T::ClosingAfterSave, 0)) {
        s.status = None;
    }
    if s.banner.is_none() && s.unsaved() == 0 {
        fx.push(Effect::Close);
    }
}

/// After a save of `keys`: a source moved to another pipeline has left the panel's list
/// with the control that had focus, so the status says where it went and focus goes to
/// "Add source".
pub(super) fn saved(s: &mut State, keys: &[RowKey], fx: &mut Vec<Effect>) {
    if s.mode != Mode::Pipeline || s.dialog.is_some() {
        return;
    }
    let went = keys.iter().find_map(|k| {
        let o = s.row(*k)?.orig.as_ref()?;
        (Some(o.pipeline_id) != s.pipeline).then_some(o.pipeline_id)
    });
    if let Some(pid) = went {
        s.status = Some((T::MovedTo, 0));
        s.moved_to = Some(pid);
        focus(fx, &Action::Add.selector());
    }
}
