//! Dialogs: who gets Escape, and what a delete confirmation says.

use super::*;
use crate::i18n::{Lang, T};
use node::Node;

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

#[test]
fn the_source_kommo_created_at_install_is_tagged_and_its_delete_says_what_it_is() {
    let tags = |s: &State| {
        let tree = view::view(s);
        let mut found = Vec::new();
        tree.find_all(&|e| e.get("data-install").is_some(), &mut found);
        found
            .iter()
            .map(|e| Node::El((*e).clone()).text_content())
            .collect::<Vec<_>>()
    };
    let note = |s: &State| {
        let tree = view::view(s);
        let mut notes = Vec::new();
        tree.find_all(&|e| e.tag == "p", &mut notes);
        notes
            .iter()
            .any(|e| Node::El((*e).clone()).text_content() == Lang::En.t(T::InstallSourceNote))
    };
    let mut s = loaded();
    assert!(tags(&s).is_empty(), "none without the setting");
    // External ids compare case-insensitively, and the setting may carry spaces.
    s.install_source = Some(" CALLS ".into());
    assert_eq!(tags(&s), [Lang::En.t(T::InstallSource)]);
    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    assert!(!note(&s), "another source's delete says nothing of it");
    update(&mut s, Msg::Escape);
    update(&mut s, Msg::AskDelete(RowKey::Saved(2)));
    assert!(note(&s));
    assert_eq!(tags(&s).len(), 2, "in the row and in the dialog's list");
}
