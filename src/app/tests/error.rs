//! Failed and odd answers: errors on fields and banners, retries, 429 waits, lost answers.

use super::*;
use crate::api::{FieldError as ApiFieldError, ItemErrors, Problem};
use crate::i18n::{Lang, T};
use std::time::Duration;

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
    let Some((t, 1000)) = fx.iter().find_map(|e| match e {
        Effect::After(t, ms) => Some((*t, *ms)),
        _ => None,
    }) else {
        panic!("a one-second tick is scheduled: {fx:?}")
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
fn a_source_deleted_elsewhere_is_explained_and_the_edit_kept() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(2), "Still mine");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(2))));
    let fx = update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(ApiError::NotFound)),
    );
    // Only that source is read again; it is gone (Kommo answers a deleted id with 204).
    let job = Job::Reread(RowKey::Saved(2));
    assert_eq!(calls(&fx), vec![(job.clone(), Call::GetOne(2))]);
    update(&mut s, Msg::Reply(job, Ok(Reply::One(None))));
    let r = s.row(RowKey::Saved(2)).unwrap();
    assert_eq!(r.error(Field::Row).map(|e| e.msg), Some(T::ErrGone));
    assert_eq!(r.draft.name, "Still mine");
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
    let fx = update(&mut s, Msg::Reply(sent[0].0.clone(), Err(refused)));
    let job = Job::Reread(RowKey::Saved(2));
    assert_eq!(calls(&fx), vec![(job.clone(), Call::GetOne(2))]);
    // An id the server never had, or no longer knows, is a 404 on GET as well.
    update(&mut s, Msg::Reply(job, Err(ApiError::NotFound)));
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
fn unauthorized_explains_the_token_and_the_connection_test_reports_it() {
    let mut s = State::new(Mode::Settings, Lang::Pt, 50, None);
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(Job::Sources, Err(ApiError::Unauthorized)),
    );
    // One message, by the test, in the modal's own words: the token is entered right here.
    assert_eq!(s.conn, Conn::Failed(T::ErrUnauthorizedHere));
    assert_eq!(s.banner, None);
    assert_eq!((s.retry.as_ref(), s.blocked), (None, None));
    let sent = calls(&update(&mut s, Msg::Test));
    assert_eq!(sent[0], (Job::Test, Call::ListSources));
    update(&mut s, Msg::Reply(Job::Test, Err(ApiError::Unauthorized)));
    assert_eq!(s.conn, Conn::Failed(T::ErrUnauthorizedHere));
    update(&mut s, Msg::Test);
    update(
        &mut s,
        Msg::Reply(Job::Test, Ok(Reply::Page(vec![src(1, "a", "a", 1)], None))),
    );
    assert_eq!(s.conn, Conn::Ok(1));
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
fn a_save_refused_as_not_found_whose_source_still_exists_offers_the_same_save_again() {
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(2), "Still mine");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(2))));
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(ApiError::NotFound)),
    );
    let job = Job::Reread(RowKey::Saved(2));
    update(
        &mut s,
        Msg::Reply(job, Ok(Reply::One(Some(src(2, "Calls", "calls", 10))))),
    );
    assert_eq!(
        s.banner.as_ref().map(|b| (b.msg, b.retry)),
        Some((T::ErrNotFoundStill, true))
    );
    let r = s.row(RowKey::Saved(2)).unwrap();
    assert!(
        r.errors.is_empty(),
        "nothing changed elsewhere: {:?}",
        r.errors
    );
    assert_eq!(r.draft.name, "Still mine");
    assert_eq!(calls(&update(&mut s, Msg::Retry)), sent);
}

/// The elements of the view that `pred` picks.
fn found(s: &State, pred: &dyn Fn(&node::El) -> bool) -> usize {
    let tree = view::view(s);
    let mut out = Vec::new();
    tree.find_all(pred, &mut out);
    out.len()
}

#[test]
fn an_error_no_retry_can_fix_shows_one_message_without_retry_and_disables_changes() {
    use crate::api::RelayRefusal;
    for (e, msg, link) in [
        (ApiError::Unauthorized, T::ErrUnauthorized, true),
        (
            ApiError::Relay(RelayRefusal::NotConnected),
            T::ErrNotConnected,
            true,
        ),
        (
            ApiError::Relay(RelayRefusal::NotAdmin),
            T::ErrNotAdmin,
            false,
        ),
    ] {
        let mut s = loaded();
        type_name(&mut s, RowKey::Saved(1), "Kept");
        let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
        update(&mut s, Msg::Reply(sent[0].0.clone(), Err(e)));
        assert_eq!(s.blocked, Some(msg));
        assert_eq!(s.retry, None, "{msg:?}: nothing to retry");
        assert_eq!(found(&s, &|e| e.get("data-a") == Some("retry")), 0);
        assert_eq!(
            found(&s, &|e| e.tag == "fieldset" && e.get("disabled").is_some()),
            1,
            "{msg:?}: the manager is disabled as a whole"
        );
        assert_eq!(
            found(&s, &|e| e.tag == "a" && e.get("data-fix").is_some()),
            usize::from(link),
            "{msg:?}: a link to where it is fixed"
        );
        assert_eq!(s.row(RowKey::Saved(1)).unwrap().draft.name, "Kept");
    }
}

#[test]
fn the_relay_hint_is_not_shown_to_an_account_that_is_not_connected() {
    use crate::api::RelayRefusal;
    let hint = |s: &State| {
        let tree = view::view(s);
        let mut out = Vec::new();
        tree.find_all(&|e| e.tag == "p", &mut out);
        out.iter()
            .any(|p| node::Node::El((*p).clone()).text_content() == s.lang.t(T::RelayHint))
    };
    let mut s = State::new(Mode::Settings, Lang::En, 50, None);
    s.relay = true;
    update(&mut s, Msg::Start);
    assert!(hint(&s));
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Err(ApiError::Relay(RelayRefusal::NotConnected)),
        ),
    );
    assert_eq!(s.conn, Conn::Failed(T::ErrNotConnected));
    assert!(!hint(&s));
}
