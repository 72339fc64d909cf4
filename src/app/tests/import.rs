//! Importing a file: the preview, refused files, and an import whose answer says nothing.

use super::*;
use crate::i18n::{Lang, T};

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

#[test]
fn the_preview_of_an_update_lists_each_changed_field_old_to_new() {
    let mut s = loaded();
    let file = r#"[{"name":"Chat","external_id":"chat","pipeline_id":20,"origin_code":"site.v2",
                   "default":true}]"#;
    update(&mut s, Msg::ImportText(file.into()));
    let Some(Dialog::Import(plan)) = s.dialog.clone() else {
        panic!("preview shown: {:?}", s.import_error)
    };
    let (from, patch) = (&plan.update_from[0], &plan.update[0]);
    let changes = crate::app::changes::between(&s, from, &patch.apply(from));
    let shown: Vec<(T, &str, &str)> = changes
        .iter()
        .map(|c| (c.field, c.was.as_str(), c.now.as_str()))
        .collect();
    assert_eq!(
        shown,
        vec![
            (T::ColPipeline, "Sales", "Old"),
            (T::ColDefault, "No", "Yes"),
            (T::ColOrigin, "—", "“site.v2”"),
        ],
        "the name is the same and so not listed"
    );
    let text = view::view(&s).text_content();
    assert!(text.contains("ColPipeline: Sales → Old"), "{text}");
}

#[test]
fn an_export_names_each_sources_pipeline_beside_its_id() {
    let mut s = loaded();
    let fx = update(&mut s, Msg::Export);
    let [Effect::Download(text)] = &fx[..] else {
        panic!("one file: {fx:?}")
    };
    let items: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(items[0]["external_id"], "chat");
    assert_eq!(items[0]["pipeline_id"], 10);
    assert_eq!(items[0]["pipeline_name"], "Sales");
}

#[test]
fn an_unknown_pipeline_of_another_account_is_matched_by_name_or_picked_or_skipped() {
    english();
    let mut s = loaded();
    // From another account: its Sales is 999999 there; 777 has no name (an older file).
    let file = r#"[{"name":"Web","external_id":"web","pipeline_id":999999,"pipeline_name":" sales "},
                   {"name":"Fair","external_id":"fair","pipeline_id":777},
                   {"name":"Booth","external_id":"booth","pipeline_id":777}]"#;
    update(&mut s, Msg::ImportText(file.into()));
    let Some(Dialog::Import(plan)) = s.dialog.clone() else {
        panic!("preview shown: {:?}", s.import_error)
    };
    let to: Vec<(u64, Option<u64>, usize)> =
        plan.maps.iter().map(|m| (m.from, m.to, m.items)).collect();
    assert_eq!(to, vec![(999999, Some(10), 1), (777, None, 2)]);
    assert_eq!(plan.create.len(), 1);
    assert_eq!(plan.create[0].pipeline_id, Some(10));
    assert_eq!(plan.skipped, vec!["fair".to_owned(), "booth".to_owned()]);

    let v = view::view(&s);
    let shown = v.text_content();
    assert!(
        shown.contains("Pipeline 999999 “sales” in the file →"),
        "{shown}"
    );
    assert!(shown.contains("Sales (10)"), "{shown}");
    assert!(shown.contains("Matched by name."), "{shown}");
    assert!(
        shown.contains("Pipeline 777 in the file is not in this account"),
        "{shown}"
    );
    let pick = |from: &str| {
        v.find(&|e| e.get("data-a") == Some("imppipe") && e.get("data-i") == Some(from))
            .and_then(|e| e.get("value"))
            .map(str::to_owned)
    };
    assert_eq!(pick("999999").as_deref(), Some("10"));
    assert_eq!(
        pick("777").as_deref(),
        Some("0"),
        "skipped until one is picked"
    );

    // The admin picks Sales for 777, and skips what was matched by name.
    let ev = |from: &'static str, to: &str| event::Ev {
        kind: event::Kind::Change,
        act: action::Action::ImportPipe.as_str(),
        key: "",
        idx: from,
        value: to.to_owned(),
        checked: false,
    };
    let msg = event::to_msg(ev("777", "10")).unwrap();
    assert_eq!(msg, Msg::ImportPipeline(777, 10));
    update(&mut s, msg);
    update(&mut s, event::to_msg(ev("999999", "0")).unwrap());
    let Some(Dialog::Import(plan)) = s.dialog.clone() else {
        panic!("the preview stays")
    };
    assert_eq!(plan.skipped, vec!["web".to_owned()]);
    let sent = calls(&update(&mut s, Msg::ImportApply));
    let [(Job::ImportCreate, Call::Create(items))] = &sent[..] else {
        panic!("one create: {sent:?}")
    };
    let got: Vec<(&str, Option<u64>)> = items
        .iter()
        .map(|n| (n.external_id.as_str(), n.pipeline_id))
        .collect();
    assert_eq!(got, vec![("fair", Some(10)), ("booth", Some(10))]);
}
