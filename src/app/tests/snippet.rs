//! The lead snippet: what is copied, what "copied" depends on, and the test lead.

use super::*;
use crate::app::traffic::{Snip, TestLead};
use crate::lead::{Lead, LeadSource};
use serde_json::{json, Value};

fn opened() -> State {
    let mut s = loaded();
    let fx = update(&mut s, Msg::Copy(RowKey::Saved(1)));
    assert_eq!(fx, vec![Effect::Focus("[data-first]".into())]);
    s
}

#[test]
fn the_snippet_offers_the_source_object_and_a_whole_complex_body() {
    let mut s = opened();
    let fx = update(&mut s, Msg::CopySnippet(Snip::Source));
    let [Effect::Copy(text)] = &fx[..] else {
        panic!("one copy: {fx:?}")
    };
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(v, json!({"external_id": "chat", "type": "widget"}));

    let fx = update(&mut s, Msg::CopySnippet(Snip::Body));
    let [Effect::Copy(text)] = &fx[..] else {
        panic!("one copy: {fx:?}")
    };
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        v,
        json!([{"name": "Test lead: Chat",
                "_embedded": {"source": {"external_id": "chat", "type": "widget"}}}])
    );
}

#[test]
fn copied_is_said_only_when_the_clipboard_took_it_else_the_text_is_selected() {
    let mut s = opened();
    update(&mut s, Msg::CopySnippet(Snip::Body));
    let note = |s: &State| {
        view::view(s)
            .find(&|e| e.get("data-copied").is_some())
            .map(|e| e.get("data-copied").unwrap().to_owned())
    };
    assert_eq!(
        note(&s),
        None,
        "nothing is claimed while the clipboard works"
    );
    let fx = update(&mut s, Msg::Copied(false));
    assert_eq!(fx, vec![Effect::Select("ksm-snip-body")]);
    assert_eq!(note(&s).as_deref(), Some("refused"));

    update(&mut s, Msg::CopySnippet(Snip::Source));
    let fx = update(&mut s, Msg::Copied(true));
    assert!(fx.is_empty());
    assert_eq!(note(&s).as_deref(), Some("ok"));
}

#[test]
fn a_test_lead_is_sent_with_the_body_shown_and_read_back_where_it_landed() {
    english();
    let mut s = opened();
    let fx = update(&mut s, Msg::SendTestLead);
    let [(Job::TestLead, call @ Call::CreateLeads(_))] = &calls(&fx)[..] else {
        panic!("one create: {fx:?}")
    };
    let shown = crate::app::snippet::text(&s, RowKey::Saved(1), Snip::Body).unwrap();
    assert_eq!(call.request().body.as_deref(), Some(shown.as_str()));
    assert!(
        calls(&update(&mut s, Msg::SendTestLead)).is_empty(),
        "a second click while it is sent sends nothing"
    );

    let fx = update(
        &mut s,
        Msg::Reply(Job::TestLead, Ok(Reply::LeadsCreated(vec![901]))),
    );
    assert_eq!(calls(&fx), vec![(Job::CheckLead, Call::GetLead(901))]);
    let lead = Lead {
        id: 901,
        name: "Test lead: Chat".into(),
        pipeline_id: 10,
        status_id: 100,
        created_at: 5,
        source: Some(LeadSource {
            id: 1,
            name: "Chat".into(),
            external_id: None,
        }),
    };
    update(
        &mut s,
        Msg::Reply(Job::CheckLead, Ok(Reply::Lead(Some(lead.clone())))),
    );
    let Some(Dialog::Snippet { test, .. }) = &s.dialog else {
        panic!("the dialog stays open")
    };
    assert_eq!(*test, TestLead::Landed(lead));
    let v = view::view(&s);
    let note = v.find(&|e| e.get("data-test").is_some()).unwrap();
    let note = node::Node::El(note.clone());
    let text = note.text_content();
    assert!(text.contains("It is in the source's pipeline."), "{text}");
    assert!(note
        .find(&|e| e.get("href") == Some("/leads/detail/901"))
        .is_some());
}

#[test]
fn a_refused_test_lead_says_what_the_server_said() {
    let mut s = opened();
    update(&mut s, Msg::SendTestLead);
    let refusal = crate::http::HttpResponse {
        status: 400,
        content_type: Some("application/problem+json".into()),
        retry_after: None,
        body: br#"{"title":"Bad Request","status":400,"validation-errors":[{"request_id":"0",
            "errors":[{"code":"NotFound","path":"_embedded.source.external_id",
            "detail":"No source has external_id chat"}]}]}"#
            .to_vec(),
    };
    let e = Call::CreateLeads(vec![]).decode(&refusal).unwrap_err();
    update(&mut s, Msg::Reply(Job::TestLead, Err(e)));
    let Some(Dialog::Snippet {
        test: TestLead::Failed { detail, .. },
        ..
    }) = &s.dialog
    else {
        panic!("the dialog says it failed")
    };
    assert_eq!(
        detail.as_deref(),
        Some("_embedded.source.external_id: No source has external_id chat")
    );
    assert!(s.banner.is_none());
}

#[test]
fn before_sending_the_dialog_says_the_lead_is_real_and_where_it_lands_then_how_to_delete_it() {
    english();
    let mut s = opened();
    s.pipelines[0].statuses = vec![
        crate::model::Status {
            id: 101,
            name: "Incoming leads".into(),
        },
        crate::model::Status {
            id: 102,
            name: "Qualified".into(),
        },
    ];
    let v = view::view(&s);
    let warn = v.find(&|e| e.get("data-test-warn").is_some()).unwrap();
    let said = node::Node::El(warn.clone()).text_content();
    assert!(
        said.contains("real lead in Sales › Incoming leads"),
        "{said}"
    );
    assert!(said.contains("automations"), "{said}");
    let send = v
        .find(&|e| e.get("data-a") == Some("sendtest"))
        .expect("the send button");
    assert_eq!(send.get("aria-describedby"), warn.get("id"));

    update(&mut s, Msg::SendTestLead);
    update(
        &mut s,
        Msg::Reply(Job::TestLead, Ok(Reply::LeadsCreated(vec![901]))),
    );
    let lead = Lead {
        id: 901,
        name: "Test lead: Chat".into(),
        pipeline_id: 10,
        status_id: 101,
        created_at: 5,
        source: None,
    };
    update(
        &mut s,
        Msg::Reply(Job::CheckLead, Ok(Reply::Lead(Some(lead)))),
    );
    let v = view::view(&s);
    let hint = v.find(&|e| e.get("data-delete-hint").is_some()).unwrap();
    let hint = node::Node::El(hint.clone());
    let said = hint.text_content();
    assert!(said.contains("open its card and delete it there"), "{said}");
    let link = hint.find(&|e| e.get("href").is_some()).unwrap();
    assert_eq!(link.get("href"), Some("/leads/detail/901"));
    assert_eq!(
        node::Node::El(link.clone()).text_content(),
        "Open the lead's card"
    );
}
