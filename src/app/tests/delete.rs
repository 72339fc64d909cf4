//! Deleting: the undo window, bulk deletes, and sources deleted elsewhere.

use super::*;
use crate::api::{FieldError as ApiFieldError, ItemErrors, Problem};
use crate::i18n::T;

#[test]
fn delete_waits_for_the_undo_window_and_undo_cancels_it() {
    let mut s = loaded();
    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    assert_eq!(s.dialog, Some(Dialog::ConfirmDelete(vec![1])));
    let fx = update(&mut s, Msg::ConfirmDelete);
    let Some(Effect::After(t, _)) = fx.first().cloned() else {
        panic!("undo timer")
    };
    assert_eq!(s.pending.as_ref().unwrap().names, vec!["Chat".to_string()]);
    update(&mut s, Msg::Undo);
    for _ in 0..10 {
        assert!(calls(&update(&mut s, Msg::Tick(t))).is_empty());
    }
    assert_eq!(s.saved_count(), 2);

    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    let fx = update(&mut s, Msg::ConfirmDelete);
    let Some(Effect::After(t, _)) = fx.first().cloned() else {
        panic!("undo timer")
    };
    let mut sent = Vec::new();
    for _ in 0..update::UNDO_SECONDS {
        sent.extend(calls(&update(&mut s, Msg::Tick(t))));
    }
    assert_eq!(sent, vec![(Job::Delete(vec![1]), Call::DeleteOne(1))]);
    update(&mut s, Msg::Reply(Job::Delete(vec![1]), Ok(Reply::Deleted)));
    assert_eq!(s.saved_count(), 1);
}

#[test]
fn bulk_delete_of_selected_rows_is_one_batch_request() {
    let mut s = loaded();
    update(&mut s, Msg::SelectAll(true));
    update(&mut s, Msg::AskDeleteSelected);
    let fx = update(&mut s, Msg::ConfirmDelete);
    let Some(Effect::After(t, _)) = fx.first().cloned() else {
        panic!()
    };
    let mut sent = Vec::new();
    for _ in 0..update::UNDO_SECONDS {
        sent.extend(calls(&update(&mut s, Msg::Tick(t))));
    }
    assert_eq!(
        sent,
        vec![(Job::Delete(vec![1, 2]), Call::Delete(vec![1, 2]))]
    );
}

#[test]
fn a_bulk_delete_refused_with_404_keeps_its_message_through_the_reload() {
    let mut s = loaded();
    update(&mut s, Msg::SelectAll(true));
    update(&mut s, Msg::AskDeleteSelected);
    let fx = update(&mut s, Msg::ConfirmDelete);
    let Some(Effect::After(t, _)) = fx.first().cloned() else {
        panic!()
    };
    for _ in 0..update::UNDO_SECONDS {
        update(&mut s, Msg::Tick(t));
    }
    let fx = update(
        &mut s,
        Msg::Reply(Job::Delete(vec![1, 2]), Err(ApiError::NotFound)),
    );
    // Each source of the batch is read again, not the whole list.
    let reread = |id| (Job::Reread(RowKey::Saved(id)), Call::GetOne(id));
    assert_eq!(calls(&fx), vec![reread(1), reread(2)]);
    // Source 1 was deleted elsewhere (204), source 2 renamed: the rows say so, and the
    // message stays.
    update(
        &mut s,
        Msg::Reply(Job::Reread(RowKey::Saved(1)), Ok(Reply::One(None))),
    );
    update(
        &mut s,
        Msg::Reply(
            Job::Reread(RowKey::Saved(2)),
            Ok(Reply::One(Some(src(2, "Calls 2", "calls", 20)))),
        ),
    );
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrGoneSome));
    assert_eq!(s.status, Some((T::DeletedElsewhere, 0)));
    let renamed = s.row(RowKey::Saved(2)).unwrap();
    assert_eq!(
        renamed.draft.name, "Calls 2",
        "a clean row follows the server"
    );
    let note = renamed.error(Field::Row).unwrap();
    assert_eq!(note.msg, T::ChangedElsewhere);
    assert_eq!(
        note.detail.as_deref(),
        Some("ColName: “Calls” → “Calls 2” · ColPipeline: Sales → Old")
    );
    assert_eq!(s.retry, None);
    assert_eq!(s.saved_count(), 1);
    assert!(s.row(RowKey::Saved(2)).unwrap().selected);
}

#[test]
fn a_bulk_delete_naming_a_source_deleted_elsewhere_explains_it() {
    let mut s = loaded();
    update(&mut s, Msg::SelectAll(true));
    update(&mut s, Msg::AskDeleteSelected);
    let fx = update(&mut s, Msg::ConfirmDelete);
    let Some(Effect::After(t, _)) = fx.first().cloned() else {
        panic!()
    };
    for _ in 0..update::UNDO_SECONDS {
        update(&mut s, Msg::Tick(t));
    }
    // Kommo-style refusal: 400 with an item error `NotFound` on the gone id.
    let refused = ApiError::Validation {
        problem: Box::new(Problem::default()),
        items: vec![ItemErrors {
            request_id: None,
            index: Some(0),
            errors: vec![ApiFieldError {
                code: "NotFound".into(),
                path: "id".into(),
                detail: "source 1 not found".into(),
            }],
        }],
    };
    let fx = update(&mut s, Msg::Reply(Job::Delete(vec![1, 2]), Err(refused)));
    let reread = |id| (Job::Reread(RowKey::Saved(id)), Call::GetOne(id));
    assert_eq!(calls(&fx), vec![reread(1), reread(2)]);
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrGoneSome));
}

#[test]
fn deleting_a_source_deleted_elsewhere_says_so_and_keeps_other_drafts() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "Unsaved");
    update(&mut s, Msg::AddDraft);
    let draft = s.rows.iter().find(|r| r.key_is_new()).unwrap().key;
    type_name(&mut s, draft, "Half typed");
    update(&mut s, Msg::AskDelete(RowKey::Saved(2)));
    let fx = update(&mut s, Msg::ConfirmDelete);
    let Some(Effect::After(t, _)) = fx.first().cloned() else {
        panic!()
    };
    for _ in 0..update::UNDO_SECONDS {
        update(&mut s, Msg::Tick(t));
    }
    update(
        &mut s,
        Msg::Reply(Job::Delete(vec![2]), Err(ApiError::NotFound)),
    );
    assert_eq!(s.status, Some((T::DeletedElsewhere, 0)));
    assert!(s.row(RowKey::Saved(2)).is_none());
    assert_eq!(s.row(RowKey::Saved(1)).unwrap().draft.name, "Unsaved");
    assert_eq!(s.row(draft).unwrap().draft.name, "Half typed");
}

#[test]
fn counts_are_said_in_the_singular_or_the_plural() {
    english();
    let label = |s: &State| -> String {
        let v = view::view(s);
        let d = v.find(&|e| e.get("role") == Some("dialog")).cloned();
        d.and_then(|d| d.get("aria-label").map(str::to_owned))
            .unwrap_or_default()
    };
    let mut s = loaded();
    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    assert_eq!(label(&s), "Delete this source?");
    update(&mut s, Msg::ConfirmDelete);
    let toast = view::view(&s)
        .find(&|e| e.get("class") == Some("ksm-toast"))
        .cloned()
        .map(|t| node::Node::El(t).text_content())
        .unwrap_or_default();
    assert!(toast.starts_with("Deleting in 5 seconds · Chat"), "{toast}");

    let mut s = loaded();
    update(&mut s, Msg::SelectAll(true));
    update(&mut s, Msg::AskDeleteSelected);
    assert_eq!(label(&s), "Delete these 2 sources?");
}
