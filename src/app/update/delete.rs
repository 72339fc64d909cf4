//! Deleting: the confirmation, the undo window and the delete request's answer.

use super::*;
use crate::app::action::Action;
use crate::app::event::row_selector;
use crate::i18n::T;

/// A row's delete button: a draft just goes, a saved row asks first.
pub(super) fn ask_row(s: &mut State, k: RowKey, fx: &mut Vec<Effect>) {
    match k {
        RowKey::New(_) => edit::revert(s, k),
        RowKey::Saved(id) => {
            s.focus_back = Some(row_selector(k, Action::Delete));
            ask_delete(s, vec![id], fx)
        }
    }
}

/// Asks to delete the selected rows, if any.
pub(super) fn ask_selected(s: &mut State, fx: &mut Vec<Effect>) {
    let mut ids = Vec::new();
    for r in &s.rows {
        if let (true, Some(o)) = (r.selected, &r.orig) {
            ids.push(o.id);
        }
    }
    if !ids.is_empty() {
        s.focus_back = Some(Action::DeleteSelected.selector());
        ask_delete(s, ids, fx);
    }
}

fn ask_delete(s: &mut State, ids: Vec<u64>, fx: &mut Vec<Effect>) {
    if s.saving() {
        return;
    }
    s.dialog = Some(Dialog::ConfirmDelete(ids));
    focus(fx, "[data-first]");
}

/// The delete was confirmed: the undo window starts.
pub(super) fn confirm(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(Dialog::ConfirmDelete(ids)) = s.dialog.take() {
        let mut names = Vec::new();
        for id in &ids {
            if let Some(r) = s.row(RowKey::Saved(*id)) {
                names.push(r.orig.as_ref().map_or("", |o| o.name.as_str()).to_owned());
            }
        }
        s.timer_gen += 1;
        s.pending = Some(PendingDelete {
            ids,
            names,
            left: UNDO_SECONDS,
        });
        fx.push(Effect::After(Timer::Undo(s.timer_gen), 1000));
        focus(fx, &Action::Undo.selector());
    }
}

/// Calls off a pending delete.
pub(super) fn undo(s: &mut State, fx: &mut Vec<Effect>) {
    if s.pending.take().is_some() {
        s.status = None;
        fx.push(Effect::Focus(dialog::back(s)));
    }
}

/// One second of the undo window `g`; at its end the delete is sent.
pub(super) fn tick(s: &mut State, g: u32, fx: &mut Vec<Effect>) {
    let Some(p) = &mut s.pending else { return };
    p.left = p.left.saturating_sub(1);
    if p.left > 0 {
        fx.push(Effect::After(Timer::Undo(g), 1000));
        return;
    }
    let ids = s.pending.take().map(|p| p.ids).unwrap_or_default();
    let call = match ids[..] {
        [one] => Call::DeleteOne(one),
        _ => Call::Delete(ids.clone()),
    };
    send(s, fx, Job::Delete(ids), call);
}

/// The delete went through: its rows go.
pub(super) fn deleted(s: &mut State, ids: Vec<u64>, fx: &mut Vec<Effect>) {
    let n = ids.len();
    s.rows
        .retain(|r| !matches!(r.key, RowKey::Saved(id) if ids.contains(&id)));
    s.status = Some((T::DeletedN_other, n));
    s.focus_back = None;
    focus(fx, &Action::Add.selector());
}
