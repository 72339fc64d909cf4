//! Undoing a history entry: Restore of a deleted source (and why it may not be possible),
//! Revert of an edit, and the question asked when the source changed again since.

use super::history::{change, fields, opened, relayed, shown, wa};
use super::*;
use crate::api::{ApiError, ItemErrors, Problem};
use crate::app::history::EntryRef;
use crate::app::view::history_heading;
use crate::i18n::T;
use crate::model::{Page, Service, SourcePatch};
use relay_contract::{Action as Did, HistoryPage};

/// Entry `index` of the first read of the history.
fn first(index: usize) -> EntryRef {
    EntryRef { gen: 1, index }
}

/// The history open on one rename of source 1 (Chat → Chat 2), and its Revert asked: the
/// source's current fields are being read.
fn reverting_a_rename() -> State {
    let mut s = relayed();
    let edit = change(
        Did::Update,
        1,
        Some(fields("Chat", 10)),
        Some(fields("Chat 2", 10)),
    );
    opened(&mut s, vec![edit], None);
    update(&mut s, Msg::RevertChange(0));
    s
}

#[test]
fn restore_creates_the_source_again_with_its_last_fields() {
    let mut s = relayed();
    let mut before = fields("Gone", 10);
    before.origin_code = Some("kommo.ext.5".into());
    before.services = wa(&[("Sales", "p1", "111")]);
    opened(
        &mut s,
        vec![change(Did::Delete, 9, Some(before), None)],
        None,
    );
    let sent = calls(&update(&mut s, Msg::Restore(0)));
    let Call::Create(items) = &sent[0].1 else {
        panic!("{sent:?}")
    };
    assert_eq!(sent[0].0, Job::Restore(first(0)));
    let n = &items[0];
    assert_eq!(
        (n.name.as_str(), n.external_id.as_str(), n.pipeline_id),
        ("Gone", "ext9", Some(10))
    );
    assert_eq!(n.origin_code.as_deref(), Some("kommo.ext.5"));
    assert_eq!(n.default, None);
    assert_eq!(
        n.services,
        Some(vec![Service::whatsapp(vec![Page {
            name: "Sales".into(),
            id: "p1".into(),
            link: "111".into(),
            ..Page::default()
        }])])
    );
    // Done: the list has it, the status says so, and the history is read again.
    let back = src(9, "Gone", "ext9", 10);
    let fx = update(
        &mut s,
        Msg::Reply(Job::Restore(first(0)), Ok(Reply::Sources(vec![back]))),
    );
    assert!(s.row(RowKey::Saved(9)).is_some());
    assert_eq!(s.status, Some((T::HistRestored, 0)));
    assert_eq!(calls(&fx)[0].0, Job::History(2));
    assert!(fx.contains(&Effect::Refocus(history_heading())));
}

#[test]
fn restore_says_when_the_external_id_is_taken_or_the_limit_is_reached() {
    english();
    let mut s = relayed();
    let taken = change(Did::Delete, 1, Some(fields("Chat", 10)), None);
    let free = change(Did::Delete, 9, Some(fields("Gone", 10)), None);
    opened(&mut s, vec![taken.clone(), free], None);
    // "chat" is source 1's external id, compared as Kommo does (case-insensitively).
    s.history.entries[0].external_id = Some("CHAT".into());
    assert!(calls(&update(&mut s, Msg::Restore(0))).is_empty());
    assert_eq!(s.history.note, Some((0, T::HistTaken, None)));
    assert!(shown(&s).contains("another source has this external ID now"));
    s.limit = 2;
    assert!(calls(&update(&mut s, Msg::Restore(1))).is_empty());
    assert_eq!(s.history.note, Some((1, T::HistLimit, None)));
    // Kommo's own refusal is read the same way.
    s.limit = 50;
    let sent = calls(&update(&mut s, Msg::Restore(1)));
    let refusal = |path: &str, code: &str| ApiError::Validation {
        problem: Box::new(Problem::default()),
        items: vec![ItemErrors {
            request_id: Some("0".into()),
            index: Some(0),
            errors: vec![crate::api::FieldError {
                code: code.into(),
                path: path.into(),
                detail: String::new(),
            }],
        }],
    };
    let fx = update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(refusal("external_id", "Duplicate"))),
    );
    assert_eq!(s.history.note, Some((1, T::HistTaken, None)));
    assert!(fx.contains(&Effect::Refocus("[data-a=restore][data-i=\"1\"]".into())));
    let sent = calls(&update(&mut s, Msg::Restore(1)));
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(refusal("", "LimitExceeded"))),
    );
    assert_eq!(s.history.note, Some((1, T::HistLimit, None)));
}

#[test]
fn revert_reads_the_source_then_patches_only_the_changed_fields_back() {
    let mut s = relayed();
    let mut after = fields("Chat 2", 20);
    after.origin_code = Some("kommo.ext.1".into());
    let edit = change(Did::Update, 1, Some(fields("Chat", 10)), Some(after));
    opened(&mut s, vec![edit], None);
    let sent = calls(&update(&mut s, Msg::RevertChange(0)));
    assert_eq!(sent, vec![(Job::RevertCheck(first(0)), Call::GetOne(1))]);
    // Unchanged since the edit: the revert goes at once.
    let mut now = src(1, "Chat 2", "chat", 20);
    now.origin_code = Some("kommo.ext.1".into());
    let fx = update(
        &mut s,
        Msg::Reply(Job::RevertCheck(first(0)), Ok(Reply::One(Some(now)))),
    );
    let sent = calls(&fx);
    let Call::UpdateOne(p) = &sent[0].1 else {
        panic!("{sent:?}")
    };
    // The origin code the edit set cannot be cleared (Kommo refuses null): left out.
    let want = SourcePatch {
        name: Some("Chat".into()),
        pipeline_id: Some(10),
        ..SourcePatch::new(1)
    };
    assert_eq!(p, &want);
    let fx = update(
        &mut s,
        Msg::Reply(
            Job::RevertChange(first(0)),
            Ok(Reply::One(Some(src(1, "Chat", "chat", 10)))),
        ),
    );
    assert_eq!(s.status, Some((T::HistReverted, 0)));
    assert_eq!(s.row(RowKey::Saved(1)).unwrap().draft.name, "Chat");
    assert_eq!(calls(&fx)[0].0, Job::History(2));
}

#[test]
fn a_source_changed_again_since_shows_its_current_values_and_asks_first() {
    english();
    let mut s = reverting_a_rename();
    let now = src(1, "Chat 3", "chat", 10);
    let fx = update(
        &mut s,
        Msg::Reply(
            Job::RevertCheck(first(0)),
            Ok(Reply::One(Some(now.clone()))),
        ),
    );
    assert!(calls(&fx).is_empty());
    assert_eq!(
        s.dialog,
        Some(Dialog::RevertConflict {
            entry: first(0),
            current: now
        })
    );
    assert!(fx.contains(&Effect::Focus("[data-first]".into())));
    // The list took the fresh copy too.
    assert_eq!(s.row(RowKey::Saved(1)).unwrap().draft.name, "Chat 3");
    let text = shown(&s);
    assert!(
        text.contains("Name: “Chat 3” (now) → “Chat” (after revert)"),
        "{text}"
    );
    // Cancel sends nothing; confirming sends the revert.
    let fx = update(&mut s, Msg::CloseDialog);
    assert!(calls(&fx).is_empty() && s.dialog.is_none());
    update(&mut s, Msg::RevertChange(0));
    update(
        &mut s,
        Msg::Reply(
            Job::RevertCheck(first(0)),
            Ok(Reply::One(Some(src(1, "Chat 3", "chat", 10)))),
        ),
    );
    let sent = calls(&update(&mut s, Msg::ConfirmRevert));
    let want = SourcePatch {
        name: Some("Chat".into()),
        ..SourcePatch::new(1)
    };
    assert_eq!(
        sent,
        vec![(Job::RevertChange(first(0)), Call::UpdateOne(want))]
    );
    assert!(s.dialog.is_none());
}

#[test]
fn a_source_gone_since_cannot_be_reverted_and_says_so() {
    let mut s = reverting_a_rename();
    let fx = update(
        &mut s,
        Msg::Reply(Job::RevertCheck(first(0)), Ok(Reply::One(None))),
    );
    assert!(calls(&fx).is_empty());
    assert_eq!(s.history.note, Some((0, T::ErrGone, None)));
}

#[test]
fn an_answer_that_comes_after_the_history_was_read_again_acts_on_no_other_entry() {
    let mut s = reverting_a_rename();
    // Read again meanwhile, and entry 0 is now another edit.
    update(&mut s, Msg::HistoryLoad);
    let other = change(
        Did::Update,
        2,
        Some(fields("Calls", 10)),
        Some(fields("Calls 2", 10)),
    );
    let page = HistoryPage {
        changes: vec![other],
        next: None,
    };
    update(
        &mut s,
        Msg::Reply(Job::History(2), Ok(Reply::History(page))),
    );
    let now = src(1, "Chat 2", "chat", 10);
    let fx = update(
        &mut s,
        Msg::Reply(Job::RevertCheck(first(0)), Ok(Reply::One(Some(now)))),
    );
    assert!(calls(&fx).is_empty());
    assert!(s.dialog.is_none() && s.history.note.is_none());
}
