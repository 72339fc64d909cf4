//! The status line: it goes when its cause does, keeps its slot, and a saved row says so
//! where it is.

use super::*;
use crate::api::ApiError;
use crate::app::traffic::TrafficLoad;
use crate::i18n::T;
use node::Node;

/// The status line of the view.
fn status_line(s: &State) -> node::El {
    view::view(s)
        .find(&|e| e.get("data-status").is_some())
        .cloned()
        .expect("the status line is always there")
}

/// Whether row `k` shows its inline "Saved".
fn row_says_saved(s: &State, k: RowKey) -> bool {
    let key = event::key_str(k);
    let v = view::view(s);
    let row = v
        .find(&|e| e.tag == "tr" && e.get("data-k") == Some(key.as_str()))
        .cloned()
        .expect("the row is shown");
    Node::El(row)
        .find(&|e| e.get("data-saved").is_some())
        .is_some()
}

/// Saves a rename of source 1 and lets the server answer.
fn save_rename(s: &mut State) {
    type_name(s, RowKey::Saved(1), "Website chat");
    let sent = calls(&update(s, Msg::Save(RowKey::Saved(1))));
    update(
        s,
        Msg::Reply(
            sent[0].0.clone(),
            Ok(Reply::One(Some(src(1, "Website chat", "chat", 10)))),
        ),
    );
}

#[test]
fn fix_the_marked_fields_goes_once_no_field_is_marked() {
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    update(&mut s, Msg::Save(RowKey::New(0)));
    assert_eq!(s.status, Some((T::ErrFix, 0)));
    type_name(&mut s, RowKey::New(0), "Fair");
    assert_eq!(
        s.status,
        Some((T::ErrFix, 0)),
        "the external id is still marked"
    );
    update(
        &mut s,
        Msg::Edit(RowKey::New(0), Edit::ExternalId("fair".into())),
    );
    assert_eq!(s.status, None);
}

#[test]
fn an_outcome_goes_with_the_next_edit() {
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    type_name(&mut s, RowKey::New(0), "Fair");
    update(
        &mut s,
        Msg::Edit(RowKey::New(0), Edit::ExternalId("fair".into())),
    );
    let sent = calls(&update(&mut s, Msg::Save(RowKey::New(0))));
    update(
        &mut s,
        Msg::Reply(
            sent[0].0.clone(),
            Ok(Reply::Sources(vec![src(3, "Fair", "fair", 10)])),
        ),
    );
    assert_eq!(s.status.map(|x| x.1), Some(1));
    type_name(&mut s, RowKey::Saved(2), "Phone calls");
    assert_eq!(s.status, None);
}

#[test]
fn the_status_line_keeps_its_slot_when_empty() {
    let s = loaded();
    assert_eq!(s.status, None);
    let p = status_line(&s);
    assert!(p.kids.is_empty());
    let class = p.get("class").unwrap_or("");
    assert!(class.split(' ').any(|c| c == "ksm-status"), "{class}");
}

#[test]
fn a_saved_row_says_saved_until_it_is_edited_again() {
    let mut s = loaded();
    save_rename(&mut s);
    assert!(row_says_saved(&s, RowKey::Saved(1)));
    assert!(!row_says_saved(&s, RowKey::Saved(2)));
    type_name(&mut s, RowKey::Saved(2), "Phone");
    assert!(row_says_saved(&s, RowKey::Saved(1)), "another row's edit");
    type_name(&mut s, RowKey::Saved(1), "Chat again");
    assert!(!row_says_saved(&s, RowKey::Saved(1)));
}

#[test]
fn a_failed_read_of_leads_does_not_claim_changes_are_kept() {
    let (mut s, _) = loaded_at(1_750_000_000);
    for e in [
        ApiError::Network("offline".into()),
        ApiError::Timeout,
        ApiError::Server {
            status: 502,
            detail: None,
            trace_id: None,
        },
    ] {
        update(&mut s, Msg::TrafficLoad);
        let gen = s.traffic.gen;
        update(&mut s, Msg::Reply(Job::Traffic(gen), Err(e)));
        let TrafficLoad::Failed { msg, .. } = &s.traffic.load else {
            panic!("the read failed: {:?}", s.traffic.load)
        };
        assert!(
            ![T::ErrNetwork, T::ErrTimeout, T::ErrServer].contains(msg),
            "{msg:?} says changes are kept"
        );
    }
}
