//! Behaviour of the reducer as a user would notice it: what is sent, what is shown, what is kept.

use super::*;
use crate::api::{FieldError as ApiFieldError, ItemErrors, Problem};
use crate::i18n::{Lang, T};
use crate::model::{Page, Pipeline, Service, Source};
use action::Action;
use node::Node;
use std::time::Duration;

fn src(id: u64, name: &str, ext: &str, pipeline: u64) -> Source {
    Source {
        id,
        name: name.into(),
        pipeline_id: pipeline,
        external_id: ext.into(),
        default: Some(false),
        origin_code: None,
        services: vec![],
        links: None,
        request_id: None,
    }
}

fn pipes() -> Vec<Pipeline> {
    vec![
        Pipeline {
            id: 10,
            name: "Sales".into(),
            is_main: true,
            is_archive: false,
            sort: 1,
        },
        Pipeline {
            id: 20,
            name: "Old".into(),
            is_main: false,
            is_archive: true,
            sort: 2,
        },
    ]
}

/// A loaded manager with sources 1 "Chat"/chat and 2 "Calls"/calls.
fn loaded() -> State {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    let fx = update(&mut s, Msg::Start);
    assert_eq!(
        fx,
        vec![
            Effect::Call(Job::Sources, Call::ListSources),
            Effect::Call(Job::Pipelines, Call::ListPipelines)
        ]
    );
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(pipes()))),
    );
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Sources(vec![
                src(1, "Chat", "chat", 10),
                src(2, "Calls", "calls", 10),
            ])),
        ),
    );
    assert_eq!(s.load, Load::Ready);
    s
}

fn calls(fx: &[Effect]) -> Vec<(Job, Call)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Call(j, c) => Some((j.clone(), c.clone())),
            _ => None,
        })
        .collect()
}

fn type_name(s: &mut State, k: RowKey, v: &str) {
    update(s, Msg::Edit(k, Edit::Name(v.into())));
}

#[test]
fn a_rename_sends_one_patch_with_only_the_name() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "Website chat");
    let fx = update(&mut s, Msg::Save(RowKey::Saved(1)));
    let sent = calls(&fx);
    assert_eq!(sent.len(), 1);
    let Call::UpdateOne(p) = &sent[0].1 else {
        panic!("expected a single PATCH, got {sent:?}")
    };
    assert_eq!(p.id, 1);
    assert_eq!(p.name.as_deref(), Some("Website chat"));
    assert!(p.default.is_none() && p.pipeline_id.is_none() && p.services.is_none());
    // A second click while it is in flight sends nothing.
    assert!(calls(&update(&mut s, Msg::Save(RowKey::Saved(1)))).is_empty());
    let mut saved = src(1, "Website chat", "chat", 10);
    saved.default = Some(false);
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::One(Some(saved)))),
    );
    assert!(!s.row(RowKey::Saved(1)).unwrap().dirty());
    assert_eq!(s.status, Some((T::Saved, 0)));
}

#[test]
fn several_edits_go_out_as_one_batch_patch() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "A");
    update(&mut s, Msg::Edit(RowKey::Saved(2), Edit::Pipeline(20)));
    let sent = calls(&update(&mut s, Msg::SaveAll));
    assert_eq!(sent.len(), 1);
    let Call::Update(ps) = &sent[0].1 else {
        panic!("expected a batch PATCH")
    };
    assert_eq!(ps.len(), 2);
    assert_eq!(ps[1].pipeline_id, Some(20));
    assert!(ps[1].name.is_none());
}

#[test]
fn drafts_are_created_in_one_post_and_mapped_back_by_request_id() {
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    update(&mut s, Msg::AddDraft);
    let (a, b) = (RowKey::New(0), RowKey::New(1));
    type_name(&mut s, a, "First");
    update(&mut s, Msg::Edit(a, Edit::ExternalId("first".into())));
    type_name(&mut s, b, "Second");
    update(&mut s, Msg::Edit(b, Edit::ExternalId("second".into())));
    let sent = calls(&update(&mut s, Msg::CreateAll));
    assert_eq!(sent.len(), 1);
    let Call::Create(items) = &sent[0].1 else {
        panic!("expected a POST")
    };
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].pipeline_id, Some(10), "main pipeline preselected");
    // The server answers in another order; request_id says which is which.
    let mut second = src(31, "Second", "second", 10);
    second.request_id = Some("1".into());
    let mut first = src(30, "First", "first", 10);
    first.request_id = Some("0".into());
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::Sources(vec![second, first]))),
    );
    let names: Vec<_> = s
        .rows
        .iter()
        .map(|r| (r.key, r.draft.name.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            (RowKey::Saved(1), "Chat"),
            (RowKey::Saved(2), "Calls"),
            (RowKey::Saved(30), "First"),
            (RowKey::Saved(31), "Second")
        ]
    );
    assert_eq!(s.saved_count(), 4);
}

#[test]
fn invalid_input_is_stopped_before_any_request_with_field_errors() {
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    let k = RowKey::New(0);
    update(&mut s, Msg::Edit(k, Edit::ExternalId("CHAT".into())));
    update(&mut s, Msg::Edit(k, Edit::Origin("12345".into())));
    let fx = update(&mut s, Msg::Save(k));
    assert!(calls(&fx).is_empty());
    let r = s.row(k).unwrap();
    assert_eq!(r.error(Field::Name).map(|e| e.msg), Some(T::VRequired));
    assert_eq!(
        r.error(Field::ExternalId).map(|e| e.msg),
        Some(T::VDuplicate)
    );
    assert_eq!(r.error(Field::OriginCode).map(|e| e.msg), Some(T::VDigits));
    assert!(fx.contains(&Effect::Focus("[aria-invalid=true]".into())));
    // Fixing a field clears its error as the user types.
    update(&mut s, Msg::Edit(k, Edit::Origin("kommo.ext.1".into())));
    assert!(s.row(k).unwrap().error(Field::OriginCode).is_none());
}

#[test]
fn the_limit_blocks_a_create_that_would_exceed_it() {
    let mut s = loaded();
    s.limit = 2;
    update(&mut s, Msg::AddDraft);
    let k = RowKey::New(0);
    type_name(&mut s, k, "Third");
    update(&mut s, Msg::Edit(k, Edit::ExternalId("third".into())));
    assert!(calls(&update(&mut s, Msg::Save(k))).is_empty());
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrLimit));
}

#[test]
fn server_validation_errors_land_on_the_row_and_field_they_name() {
    let mut s = loaded();
    for _ in 0..2 {
        update(&mut s, Msg::AddDraft);
    }
    for (i, k) in [RowKey::New(0), RowKey::New(1)].into_iter().enumerate() {
        type_name(&mut s, k, "N");
        update(&mut s, Msg::Edit(k, Edit::ExternalId(format!("x{i}"))));
    }
    let sent = calls(&update(&mut s, Msg::CreateAll));
    let err = ApiError::Validation {
        problem: Box::new(Problem {
            detail: Some("Request validation failed".into()),
            ..Problem::default()
        }),
        items: vec![ItemErrors {
            request_id: Some("1".into()),
            index: Some(1),
            errors: vec![ApiFieldError {
                code: "NotSupportedChoice".into(),
                path: "pipeline_id".into(),
                detail: "no such pipeline".into(),
            }],
        }],
    };
    update(&mut s, Msg::Reply(sent[0].0.clone(), Err(err)));
    assert!(s.row(RowKey::New(0)).unwrap().errors.is_empty());
    let e = s
        .row(RowKey::New(1))
        .unwrap()
        .error(Field::Pipeline)
        .cloned();
    assert_eq!(
        e.and_then(|e| e.detail).as_deref(),
        Some("no such pipeline")
    );
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrRejected));
    // Nothing typed was lost.
    assert_eq!(s.row(RowKey::New(1)).unwrap().draft.external_id, "x1");
}

#[test]
fn a_network_failure_keeps_the_edit_and_retry_resends_the_same_request() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(2), "Phone");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(2))));
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(ApiError::Network("down".into()))),
    );
    assert_eq!(s.row(RowKey::Saved(2)).unwrap().draft.name, "Phone");
    let b = s.banner.clone().unwrap();
    assert!(b.retry && b.msg == T::ErrNetwork);
    assert!(!s.saving(), "controls are usable again");
    let again = calls(&update(&mut s, Msg::Retry));
    assert_eq!(again, sent);
}

#[test]
fn rate_limit_counts_down_the_servers_wait_then_resends_once() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "X");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
    let fx = update(
        &mut s,
        Msg::Reply(
            sent[0].0.clone(),
            Err(ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(3)),
            }),
        ),
    );
    assert_eq!(s.countdown, 3);
    let Some(Effect::After(t, 1000)) = fx.last().cloned() else {
        panic!("a one-second tick is scheduled")
    };
    assert!(calls(&update(&mut s, Msg::Tick(t))).is_empty());
    assert_eq!(s.countdown, 2);
    assert!(calls(&update(&mut s, Msg::Tick(t))).is_empty());
    let resent = calls(&update(&mut s, Msg::Tick(t)));
    assert_eq!(resent, sent);
    assert_eq!(s.countdown, 0);
    // A stale tick does nothing.
    assert!(calls(&update(&mut s, Msg::Tick(t))).is_empty());
}

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
    assert_eq!(calls(&fx), vec![(Job::Sources, Call::ListSources)]);
    // Source 1 was deleted elsewhere; the reload shows that without the message going away.
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Sources(vec![src(2, "Calls", "calls", 10)])),
        ),
    );
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrGoneSome));
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
    assert_eq!(calls(&fx), vec![(Job::Sources, Call::ListSources)]);
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrGoneSome));
}

#[test]
fn making_a_source_default_clears_the_flag_on_the_others() {
    let mut s = loaded();
    s.rows[0].orig.as_mut().unwrap().default = Some(true);
    s.rows[0].draft.default = true;
    let sent = calls(&update(&mut s, Msg::Default(RowKey::Saved(2), true)));
    let Call::UpdateOne(p) = &sent[0].1 else {
        panic!()
    };
    assert_eq!((p.id, p.default, p.name.clone()), (2, Some(true), None));
    let mut now = src(2, "Calls", "calls", 10);
    now.default = Some(true);
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::One(Some(now)))),
    );
    let defaults: Vec<u64> = s
        .rows
        .iter()
        .filter(|r| r.draft.default)
        .map(|r| r.orig.as_ref().unwrap().id)
        .collect();
    assert_eq!(defaults, vec![2]);
}

#[test]
fn a_refresh_keeps_what_the_user_is_typing() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "Typing…");
    update(&mut s, Msg::Refresh);
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Sources(vec![
                src(1, "Renamed elsewhere", "chat", 10),
                src(2, "Calls 2", "calls", 10),
            ])),
        ),
    );
    assert_eq!(s.row(RowKey::Saved(1)).unwrap().draft.name, "Typing…");
    assert_eq!(s.row(RowKey::Saved(2)).unwrap().draft.name, "Calls 2");
}

#[test]
fn an_unchanged_refresh_leaves_state_and_view_identical() {
    let mut s = loaded();
    let before = (s.rows.clone(), view::view(&s));
    update(&mut s, Msg::Refresh);
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Sources(vec![
                src(1, "Chat", "chat", 10),
                src(2, "Calls", "calls", 10),
            ])),
        ),
    );
    assert_eq!(before, (s.rows.clone(), view::view(&s)));
}

#[test]
fn a_source_deleted_elsewhere_is_explained_and_the_edit_kept() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(2), "Still mine");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(2))));
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(ApiError::NotFound)),
    );
    let r = s.row(RowKey::Saved(2)).unwrap();
    assert_eq!(r.error(Field::Row).map(|e| e.msg), Some(T::ErrGone));
    assert_eq!(r.draft.name, "Still mine");
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
fn a_refresh_answered_204_keeps_edited_rows_with_a_note_and_drafts() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "Unsaved");
    update(&mut s, Msg::AddDraft);
    update(&mut s, Msg::Refresh);
    // Every source was deleted elsewhere: Kommo answers the list with 204 (no sources).
    update(&mut s, Msg::Reply(Job::Sources, Ok(Reply::Sources(vec![]))));
    assert!(s.row(RowKey::Saved(2)).is_none());
    let r = s.row(RowKey::Saved(1)).unwrap();
    assert_eq!(r.draft.name, "Unsaved");
    assert_eq!(r.error(Field::Row).map(|e| e.msg), Some(T::ErrGone));
    assert_eq!(s.rows.iter().filter(|r| r.key_is_new()).count(), 1);
}

#[test]
fn a_batch_save_naming_a_source_deleted_elsewhere_marks_that_row() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "One");
    type_name(&mut s, RowKey::Saved(2), "Two");
    let sent = calls(&update(&mut s, Msg::SaveAll));
    assert!(matches!(sent[0].1, Call::Update(_)));
    let refused = ApiError::Validation {
        problem: Box::new(Problem::default()),
        items: vec![ItemErrors {
            request_id: Some("1".into()),
            index: Some(1),
            errors: vec![ApiFieldError {
                code: "NotFound".into(),
                path: "id".into(),
                detail: "source 2 not found".into(),
            }],
        }],
    };
    update(&mut s, Msg::Reply(sent[0].0.clone(), Err(refused)));
    let gone = s.row(RowKey::Saved(2)).unwrap();
    assert_eq!(gone.error(Field::Row).map(|e| e.msg), Some(T::ErrGone));
    assert_eq!(gone.draft.name, "Two");
    let kept = s.row(RowKey::Saved(1)).unwrap();
    assert!(kept.errors.is_empty());
    assert_eq!(kept.draft.name, "One");
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrRejected));
    // Undoing the edit of the gone row drops it (nothing to go back to); the other is saved.
    update(&mut s, Msg::Revert(RowKey::Saved(2)));
    assert!(s.row(RowKey::Saved(2)).is_none());
    let sent = calls(&update(&mut s, Msg::SaveAll));
    assert!(matches!(&sent[0].1, Call::UpdateOne(p) if p.id == 1));
}

#[test]
fn whatsapp_pages_are_validated_and_sent_with_their_params() {
    let mut s = loaded();
    let k = RowKey::Saved(1);
    update(&mut s, Msg::Edit(k, Edit::AddPage));
    update(&mut s, Msg::Edit(k, Edit::PageName(0, "Main".into())));
    update(&mut s, Msg::Edit(k, Edit::PageId(0, "p1".into())));
    update(&mut s, Msg::Edit(k, Edit::PageLink(0, "12ab".into())));
    assert_eq!(
        s.row(k).unwrap().error(Field::PageLink(0)).map(|e| e.msg),
        Some(T::VPhone)
    );
    assert!(calls(&update(&mut s, Msg::Save(k))).is_empty());
    update(
        &mut s,
        Msg::Edit(k, Edit::PageLink(0, "+5511999998888".into())),
    );
    update(&mut s, Msg::Edit(k, Edit::Waba(true)));
    let sent = calls(&update(&mut s, Msg::Save(k)));
    let Call::UpdateOne(p) = &sent[0].1 else {
        panic!()
    };
    let svc: &Service = &p.services.as_ref().unwrap()[0];
    assert_eq!(svc.kind, "whatsapp");
    assert_eq!(
        svc.pages,
        vec![Page {
            name: "Main".into(),
            id: "p1".into(),
            link: "+5511999998888".into()
        }]
    );
    assert_eq!(svc.params.as_ref().unwrap().waba, Some(true));
    assert_eq!(p.name, None);
}

#[test]
fn copy_gives_the_embedded_source_json_for_leads() {
    let mut s = loaded();
    let fx = update(&mut s, Msg::Copy(RowKey::Saved(1)));
    assert_eq!(
        fx,
        vec![Effect::Copy(
            r#"{"external_id":"chat","type":"widget"}"#.into()
        )]
    );
}

#[test]
fn import_previews_creates_and_changes_then_applies_post_then_patch() {
    let mut s = loaded();
    let file = r#"[{"name":"Chat 2","external_id":"CHAT"},{"name":"Calls","external_id":"calls"},
                   {"name":"New","external_id":"new-one","pipeline_id":10}]"#;
    update(&mut s, Msg::ImportText(file.into()));
    let Some(Dialog::Import(plan)) = s.dialog.clone() else {
        panic!("preview shown: {:?}", s.import_error)
    };
    assert_eq!(plan.create.len(), 1);
    assert_eq!(plan.update.len(), 1);
    assert_eq!(plan.update[0].name.as_deref(), Some("Chat 2"));
    assert_eq!(plan.unchanged, 1);
    let sent = calls(&update(&mut s, Msg::ImportApply));
    assert!(matches!(sent[..], [(Job::ImportCreate, Call::Create(_))]));
    let sent = calls(&update(
        &mut s,
        Msg::Reply(
            Job::ImportCreate,
            Ok(Reply::Sources(vec![src(40, "New", "new-one", 10)])),
        ),
    ));
    assert!(matches!(sent[..], [(Job::ImportUpdate, Call::Update(_))]));
}

#[test]
fn bad_import_files_are_refused_with_a_reason_and_nothing_is_sent() {
    for (text, want) in [
        ("not json", T::ImportNotJson),
        (r#"{"a":1}"#, T::ImportShape),
        (r#"[{"name":1}]"#, T::ImportShape),
        (
            r#"[{"name":"a","external_id":"x"},{"name":"b","external_id":"X"}]"#,
            T::ImportDup,
        ),
        (r#"[{"name":"","external_id":"x"}]"#, T::ImportInvalid),
        (
            r#"[{"name":"a","external_id":"x","origin_code":"123"}]"#,
            T::ImportInvalid,
        ),
    ] {
        let mut s = loaded();
        let fx = update(&mut s, Msg::ImportText(text.into()));
        assert!(calls(&fx).is_empty());
        assert_eq!(s.import_error.as_ref().map(|e| e.msg), Some(want), "{text}");
        assert!(s.dialog.is_none());
    }
}

#[test]
fn user_strings_stay_text_in_the_view() {
    let mut s = loaded();
    let evil = "<img src=x onerror=alert(1)>";
    type_name(&mut s, RowKey::Saved(1), evil);
    let v = view::view(&s);
    let mut inputs = Vec::new();
    v.find_all(
        &|e| e.get("data-a") == Some(Action::Name.as_str()),
        &mut inputs,
    );
    assert_eq!(inputs[0].get("value"), Some(evil));
    let mut imgs = Vec::new();
    v.find_all(&|e| e.tag == "img", &mut imgs);
    assert!(imgs.is_empty());
}

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
            Ok(Reply::Sources(vec![src(1, "Chat", "chat", 10)])),
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
    update(&mut s, Msg::Reply(Job::Sources, Ok(Reply::Sources(vec![]))));
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
fn unauthorized_explains_the_token_and_the_connection_test_reports_it() {
    let mut s = State::new(Mode::Settings, Lang::Pt, 50, None);
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(Job::Sources, Err(ApiError::Unauthorized)),
    );
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrUnauthorized));
    let sent = calls(&update(&mut s, Msg::Test));
    assert_eq!(sent[0], (Job::Test, Call::ListSources));
    update(&mut s, Msg::Reply(Job::Test, Err(ApiError::Unauthorized)));
    assert_eq!(s.conn, Conn::Failed(T::ErrUnauthorized));
    update(&mut s, Msg::Test);
    update(
        &mut s,
        Msg::Reply(Job::Test, Ok(Reply::Sources(vec![src(1, "a", "a", 1)]))),
    );
    assert_eq!(s.conn, Conn::Ok(1));
}

#[test]
fn search_and_sort_order_the_rows_as_shown() {
    let mut s = loaded();
    update(&mut s, Msg::Refresh);
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Sources(vec![
                src(1, "beta", "b-2", 10),
                src(2, "Alpha", "c-1", 10),
                src(3, "gamma", "A-3", 10),
            ])),
        ),
    );
    let names =
        |s: &State| -> Vec<String> { s.visible().iter().map(|r| r.draft.name.clone()).collect() };
    update(&mut s, Msg::Sort(SortBy::Name));
    assert_eq!(names(&s), ["Alpha", "beta", "gamma"]);
    update(&mut s, Msg::Sort(SortBy::Name));
    assert_eq!(names(&s), ["gamma", "beta", "Alpha"]);
    update(&mut s, Msg::Sort(SortBy::ExternalId));
    assert_eq!(names(&s), ["gamma", "beta", "Alpha"]);
    update(&mut s, Msg::Search("ALP".into()));
    assert_eq!(names(&s), ["Alpha"]);
    update(&mut s, Msg::Search("c-1".into()));
    assert_eq!(names(&s), ["Alpha"]);
}

#[test]
fn the_list_appears_with_the_sources_and_its_pickers_wait_for_the_pipelines() {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Sources(vec![src(1, "Chat", "chat", 10)])),
        ),
    );
    let picker = |s: &State| {
        let tree = view::view(s);
        let mut rows = Vec::new();
        tree.find_all(&|e| e.tag == "tr" && e.get("data-k").is_some(), &mut rows);
        assert_eq!(rows.len(), 1, "the row shows without the pipelines");
        let sel = Node::El(rows[0].clone())
            .find(&|e| e.tag == "select")
            .cloned()
            .expect("a pipeline picker");
        (sel.get("disabled").is_some(), Node::El(sel).text_content())
    };
    assert_eq!(
        picker(&s),
        (true, "…".to_owned()),
        "no choice (and no \"unknown pipeline\") before the names are in"
    );
    update(&mut s, Msg::Reply(Job::Pipelines, Err(ApiError::Timeout)));
    assert_eq!(
        picker(&s),
        (false, Lang::En.t(T::UnknownPipeline).to_owned()),
        "a failed pipeline list leaves the picker usable"
    );
}

#[test]
fn retry_after_a_failed_first_load_reloads_both_lists() {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(Job::Sources, Err(ApiError::Unauthorized)),
    );
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Err(ApiError::Unauthorized)),
    );
    assert_eq!(s.load, Load::Failed);
    let mut sent: Vec<Call> = calls(&update(&mut s, Msg::Retry))
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    sent.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(sent, vec![Call::ListPipelines, Call::ListSources]);
}

#[test]
fn retrying_a_create_whose_answer_was_lost_does_not_create_twice() {
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    update(&mut s, Msg::AddDraft);
    for (k, x) in [(RowKey::New(0), "made"), (RowKey::New(1), "lost")] {
        type_name(&mut s, k, x);
        update(&mut s, Msg::Edit(k, Edit::ExternalId(x.into())));
    }
    let sent = calls(&update(&mut s, Msg::CreateAll));
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(ApiError::Network("reset".into()))),
    );
    let check = calls(&update(&mut s, Msg::Retry));
    assert_eq!(
        check,
        vec![(
            Job::Reconcile(vec![RowKey::New(0), RowKey::New(1)]),
            Call::Find(vec!["made".into(), "lost".into()])
        )]
    );
    // The server did create "made": only "lost" is posted again.
    let again = calls(&update(
        &mut s,
        Msg::Reply(
            check[0].0.clone(),
            Ok(Reply::Sources(vec![src(50, "made", "made", 10)])),
        ),
    ));
    let [(Job::Create(keys), Call::Create(items))] = &again[..] else {
        panic!("one create expected, got {again:?}")
    };
    assert_eq!(keys, &vec![RowKey::New(1)]);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].external_id, "lost");
    assert!(s.row(RowKey::Saved(50)).is_some());
}

#[test]
fn case_folding_covers_the_letters_of_english_spanish_and_portuguese() {
    assert_eq!(fold("ÁÉÍÓÚ ÑÇ ÃÕ Ü ABC"), "áéíóú ñç ãõ ü abc");
    assert_eq!(fold("ĄĆŁŹŻ ŒŠ"), "ąćłźż œš");
    assert_eq!(fold("× ß 1-2_x"), "× ß 1-2_x");
}

#[test]
fn a_success_without_a_body_is_explained_and_nothing_typed_is_lost() {
    // A single PATCH answered 204: say the answer was unreadable, keep the edit, retry it.
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "Kept");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
    update(&mut s, Msg::Reply(sent[0].0.clone(), Ok(Reply::One(None))));
    assert_eq!(
        s.banner.as_ref().map(|b| (b.msg, b.retry)),
        Some((T::ErrDecode, true))
    );
    assert_eq!(s.row(RowKey::Saved(1)).unwrap().draft.name, "Kept");
    assert_eq!(calls(&update(&mut s, Msg::Retry)), sent);

    // A create answered 204: the retry first looks the external id up.
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    let k = RowKey::New(0);
    type_name(&mut s, k, "Maybe");
    update(&mut s, Msg::Edit(k, Edit::ExternalId("maybe".into())));
    let sent = calls(&update(&mut s, Msg::Save(k)));
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::Sources(vec![]))),
    );
    assert_eq!(s.banner.as_ref().map(|b| b.msg), Some(T::ErrDecode));
    assert!(s.row(k).is_some(), "the draft stays");
    assert_eq!(
        calls(&update(&mut s, Msg::Retry)),
        vec![(Job::Reconcile(vec![k]), Call::Find(vec!["maybe".into()]))]
    );
}

#[test]
fn a_default_change_shows_at_once_both_ways_and_falls_back_on_failure() {
    let mut s = loaded();
    s.rows[0].orig.as_mut().unwrap().default = Some(true);
    s.rows[0].draft.default = true;
    let shown = |s: &State| -> Vec<bool> { s.rows.iter().map(|r| s.shown_default(r)).collect() };

    // Clearing: unticked while the PATCH is out, back on when it fails.
    let sent = calls(&update(&mut s, Msg::Default(RowKey::Saved(1), false)));
    assert_eq!(shown(&s), vec![false, false]);
    update(
        &mut s,
        Msg::Reply(
            sent[0].0.clone(),
            Err(crate::api::ApiError::Network("offline".into())),
        ),
    );
    assert_eq!(shown(&s), vec![true, false]);
    assert!(s.banner.as_ref().is_some_and(|b| b.error));

    // Setting another: the mark moves at once.
    let sent = calls(&update(&mut s, Msg::Default(RowKey::Saved(2), true)));
    assert_eq!(sent.len(), 1);
    assert_eq!(shown(&s), vec![false, true]);
}

#[test]
fn add_source_focuses_the_new_rows_name_field() {
    let mut s = loaded();
    let fx = update(&mut s, Msg::AddDraft);
    let k = s.rows.last().unwrap().key;
    let want = String::from("[data-k=") + &event::key_str(k) + "] " + &Action::Name.selector();
    assert_eq!(fx, vec![Effect::Focus(want)]);
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
fn every_top_level_part_is_keyed_so_a_banner_does_not_rebuild_what_follows() {
    let keys = |s: &State| -> Vec<String> {
        let Node::El(root) = view::view(s) else {
            panic!("root is an element")
        };
        root.kids
            .iter()
            .map(|k| match k {
                Node::El(e) => e.key.as_deref().unwrap_or("").to_owned(),
                Node::Text(_) => String::new(),
            })
            .collect()
    };
    let mut s = loaded();
    update(&mut s, Msg::AskDelete(RowKey::Saved(1)));
    let before = keys(&s);
    assert_eq!(before.first().map(String::as_str), Some("st"));
    assert_eq!(before.last().map(String::as_str), Some("dl"));
    let fx = update(&mut s, Msg::Refresh);
    let (job, _) = calls(&fx).remove(0);
    update(
        &mut s,
        Msg::Reply(job, Err(crate::api::ApiError::Network("offline".into()))),
    );
    let after = keys(&s);
    assert!(after.contains(&"bn".to_owned()));
    assert!(after.iter().all(|k| !k.is_empty()), "{after:?}");
    assert_eq!(after.len(), before.len() + 1);

    let mut add = State::new(Mode::AddSource, Lang::En, 50, Some(10));
    update(&mut add, Msg::Start);
    assert_eq!(keys(&add), vec!["st", "load", "dl"]);
    let mut set = State::new(Mode::Settings, Lang::En, 50, None);
    update(&mut set, Msg::Start);
    assert!(keys(&set).iter().all(|k| !k.is_empty()));
}

#[test]
fn a_failed_first_load_claims_neither_an_empty_list_nor_a_quota() {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(pipes()))),
    );
    update(
        &mut s,
        Msg::Reply(Job::Sources, Err(ApiError::Unauthorized)),
    );
    let shown = view::view(&s).text_content();
    assert!(shown.contains(Lang::En.t(T::ErrUnauthorized)), "{shown}");
    assert!(!shown.contains(Lang::En.t(T::Empty)), "{shown}");
    assert!(!shown.contains("0 / 50"), "{shown}");

    update(&mut s, Msg::Retry);
    update(&mut s, Msg::Reply(Job::Sources, Ok(Reply::Sources(vec![]))));
    let shown = view::view(&s).text_content();
    assert!(shown.contains(Lang::En.t(T::Empty)), "{shown}");
    assert!(shown.contains("0 / 50"), "{shown}");
}

#[test]
fn an_import_answered_without_its_sources_is_not_reported_applied_and_retry_asks_first() {
    let mut s = loaded();
    let file = r#"[{"name":"A","external_id":"imp-a","pipeline_id":10},
                   {"name":"B","external_id":"imp-b","pipeline_id":10}]"#;
    update(&mut s, Msg::ImportText(file.into()));
    let sent = calls(&update(&mut s, Msg::ImportApply));
    assert!(matches!(sent[..], [(Job::ImportCreate, Call::Create(_))]));
    // A 204: success, but no created source in the answer.
    update(
        &mut s,
        Msg::Reply(Job::ImportCreate, Ok(Reply::Sources(vec![]))),
    );
    assert_ne!(s.status, Some((T::ImportDone, 0)));
    let shown = view::view(&s).text_content();
    assert!(shown.contains(Lang::En.t(T::ErrDecode)), "{shown}");
    assert!(!shown.contains(Lang::En.t(T::ImportDone)), "{shown}");

    // Retry looks the external ids up before sending anything again.
    let sent = calls(&update(&mut s, Msg::Retry));
    assert_eq!(
        sent,
        vec![(
            Job::ImportReconcile,
            Call::Find(vec!["imp-a".into(), "imp-b".into()])
        )]
    );
    // imp-a was made after all: only imp-b is posted again.
    let sent = calls(&update(
        &mut s,
        Msg::Reply(
            Job::ImportReconcile,
            Ok(Reply::Sources(vec![src(41, "A", "imp-a", 10)])),
        ),
    ));
    let [(Job::ImportCreate, Call::Create(items))] = &sent[..] else {
        panic!("one create expected: {sent:?}")
    };
    assert_eq!(
        items
            .iter()
            .map(|n| n.external_id.as_str())
            .collect::<Vec<_>>(),
        vec!["imp-b"]
    );
    update(
        &mut s,
        Msg::Reply(
            Job::ImportCreate,
            Ok(Reply::Sources(vec![src(42, "B", "imp-b", 10)])),
        ),
    );
    assert_eq!(s.status, Some((T::ImportDone, 0)));
    assert!(s.row(RowKey::Saved(41)).is_some() && s.row(RowKey::Saved(42)).is_some());
    assert!(s.banner.is_none());
}
