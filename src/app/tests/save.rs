//! Editing and saving rows: what a save sends, what it checks first, defaults, pages, copy.

use super::*;
use crate::i18n::T;
use crate::model::{Page, Service};
use action::Action;

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
fn created_sources_without_request_id_are_matched_by_external_id_not_position() {
    let mut s = loaded();
    update(&mut s, Msg::AddDraft);
    update(&mut s, Msg::AddDraft);
    let (a, b) = (RowKey::New(0), RowKey::New(1));
    type_name(&mut s, a, "First");
    update(&mut s, Msg::Edit(a, Edit::ExternalId("First".into())));
    type_name(&mut s, b, "Second");
    update(&mut s, Msg::Edit(b, Edit::ExternalId("second".into())));
    let sent = calls(&update(&mut s, Msg::CreateAll));
    // Reversed, without request_id, and with the external id lower-cased.
    let answer = vec![
        src(41, "Second", "second", 10),
        src(40, "First", "first", 10),
    ];
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::Sources(answer))),
    );
    let made: Vec<_> = s
        .rows
        .iter()
        .skip(2)
        .map(|r| (r.key, r.draft.name.as_str()))
        .collect();
    assert_eq!(
        made,
        vec![(RowKey::Saved(40), "First"), (RowKey::Saved(41), "Second")]
    );
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
            link: "+5511999998888".into(),
            ..Default::default()
        }]
    );
    assert_eq!(svc.params.as_ref().unwrap().waba, Some(true));
    assert_eq!(p.name, None);
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
fn emptying_a_saved_origin_code_says_why_on_the_field_and_sends_nothing() {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    update(
        &mut s,
        Msg::Reply(Job::Pipelines, Ok(Reply::Pipelines(pipes()))),
    );
    let mut chat = src(1, "Chat", "chat", 10);
    chat.origin_code = Some("kommo.ext.1".into());
    update(
        &mut s,
        Msg::Reply(Job::Sources, Ok(Reply::Page(vec![chat], None))),
    );
    let k = RowKey::Saved(1);
    update(&mut s, Msg::Edit(k, Edit::Origin(String::new())));
    assert!(s.row(k).unwrap().dirty(), "the row shows an unsaved edit");
    let fx = update(&mut s, Msg::Save(k));
    assert!(calls(&fx).is_empty());
    let r = s.row(k).unwrap();
    assert_eq!(
        r.error(Field::OriginCode).map(|e| e.msg),
        Some(T::VOriginKept)
    );
    // What the server holds is untouched, and typing a new code clears the message.
    assert_eq!(
        r.orig.as_ref().unwrap().origin_code.as_deref(),
        Some("kommo.ext.1")
    );
    update(&mut s, Msg::Edit(k, Edit::Origin("kommo.ext.2".into())));
    assert_eq!(s.row(k).unwrap().error(Field::OriginCode), None);
}

/// The selector of the control focus goes back to, if it was lost, after these effects.
fn refocus(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| match e {
        Effect::Refocus(sel) => Some(sel.clone()),
        _ => None,
    })
}

#[test]
fn focus_lost_to_a_disabled_control_comes_back_to_the_saved_row_or_the_same_control() {
    use crate::app::event::row_selector;
    let mut s = loaded();
    // A save: the row's Save button is gone once saved, so its name field.
    type_name(&mut s, RowKey::Saved(1), "Chat 2");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
    let answer = Ok(Reply::One(Some(src(1, "Chat 2", "chat", 10))));
    let fx = update(&mut s, Msg::Reply(sent[0].0.clone(), answer));
    assert_eq!(
        refocus(&fx),
        Some(row_selector(RowKey::Saved(1), Action::Name))
    );

    // A create: the draft's row is now the created source's.
    update(&mut s, Msg::AddDraft);
    type_name(&mut s, RowKey::New(0), "Made");
    update(
        &mut s,
        Msg::Edit(RowKey::New(0), Edit::ExternalId("made".into())),
    );
    let sent = calls(&update(&mut s, Msg::Save(RowKey::New(0))));
    let answer = Ok(Reply::Sources(vec![src(50, "Made", "made", 10)]));
    let fx = update(&mut s, Msg::Reply(sent[0].0.clone(), answer));
    assert_eq!(
        refocus(&fx),
        Some(row_selector(RowKey::Saved(50), Action::Name))
    );

    // The Default checkbox keeps it, and so does a failed change, on its row.
    let sent = calls(&update(&mut s, Msg::Default(RowKey::Saved(2), true)));
    let fx = update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Err(ApiError::Network("down".into()))),
    );
    assert_eq!(
        refocus(&fx),
        Some(row_selector(RowKey::Saved(2), Action::Default))
    );
}
