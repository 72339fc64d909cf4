//! Dialogs: adding as a source from Digital Pipeline, and who gets Escape.

use super::*;
use crate::i18n::{Lang, T};
use node::Node;

#[test]
fn add_as_source_prefills_a_draft_in_that_pipeline_and_can_move_one_instead() {
    let mut s = State::new(Mode::AddSource, Lang::Es, 50, Some(20));
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(pipes()))),
    );
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(vec![src(1, "Chat", "chat", 10)], None)),
        ),
    );
    let Some(Dialog::AddSource { draft, .. }) = s.dialog.clone() else {
        panic!()
    };
    let r = s.row(draft).unwrap();
    assert_eq!(
        (
            r.draft.pipeline_id,
            r.draft.name.as_str(),
            r.draft.external_id.as_str()
        ),
        (20, "Old", "old-20")
    );
    update(&mut s, Msg::ChooseMove(1));
    let sent = calls(&update(&mut s, Msg::Move));
    let Call::UpdateOne(p) = &sent[0].1 else {
        panic!()
    };
    assert_eq!((p.id, p.pipeline_id, p.name.clone()), (1, Some(20), None));
    let mut moved = src(1, "Chat", "chat", 20);
    moved.default = Some(false);
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::One(Some(moved)))),
    );
    assert!(matches!(
        s.dialog,
        Some(Dialog::AddSource { done: true, .. })
    ));
    assert_eq!(update(&mut s, Msg::CloseDialog), vec![Effect::Close]);
}

#[test]
fn add_as_source_to_a_pipeline_the_account_lacks_names_its_id() {
    let mut s = State::new(Mode::AddSource, Lang::En, 50, Some(777));
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(pipes()))),
    );
    update(
        &mut s,
        Msg::Reply(Job::Sources, Ok(Reply::Page(vec![], None))),
    );
    let tree = view::view(&s);
    let mut heads = Vec::new();
    tree.find_all(&|e| e.tag == "h2", &mut heads);
    let title = Node::El(heads[0].clone()).text_content();
    assert_eq!(
        title,
        format!(
            "{} 777 ({})",
            Lang::En.t(T::AddTitle),
            Lang::En.t(T::UnknownPipeline)
        )
    );
}

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
