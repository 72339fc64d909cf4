//! Dialogs: who gets Escape.

use super::*;

#[test]
fn escape_is_the_widgets_only_while_a_dialog_or_undo_is_open() {
    let mut s = loaded();
    assert!(!s.takes_escape());
    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    assert!(s.takes_escape());
    update(&mut s, Msg::Escape);
    assert!(!s.takes_escape());
    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    update(&mut s, Msg::ConfirmDelete);
    assert!(s.takes_escape());
    update(&mut s, Msg::Escape);
    assert!(s.pending.is_none() && !s.takes_escape());
}
