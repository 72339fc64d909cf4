//! The History section (relay mode): reading, filtering and paging the relay's history,
//! what each entry says, Restore and Revert with its conflict check, and direct mode's line.

use super::*;
use crate::api::{ApiError, HistoryQuery};
use crate::app::action::Action;
use crate::app::history::HistoryLoad;
use crate::app::node::Node;
use crate::app::view::{history_heading, view};
use crate::i18n::T;
use relay_contract::{Action as Did, Change, Fields, HistoryPage};
use serde_json::json;

/// A loaded manager in relay mode.
pub(super) fn relayed() -> State {
    let mut s = loaded();
    s.relay = true;
    s
}

pub(super) fn fields(name: &str, pipeline: i64) -> Fields {
    Fields {
        name: name.into(),
        pipeline_id: Some(pipeline),
        default: Some(false),
        origin_code: None,
        services: None,
    }
}

pub(super) fn change(did: Did, id: i64, before: Option<Fields>, after: Option<Fields>) -> Change {
    Change {
        at: 1_700_000_000,
        user_id: 7,
        user_name: "Ana".into(),
        action: did,
        source_id: Some(id),
        external_id: Some(format!("ext{id}")),
        before,
        after,
        status: if did == Did::Delete { 204 } else { 200 },
    }
}

/// Opens the history and answers its first read with `changes`.
pub(super) fn opened(s: &mut State, changes: Vec<Change>, next: Option<&str>) {
    let fx = update(s, Msg::HistoryLoad);
    let sent = calls(&fx);
    assert_eq!(sent.len(), 1);
    let page = HistoryPage {
        changes,
        next: next.map(str::to_owned),
    };
    update(s, Msg::Reply(sent[0].0.clone(), Ok(Reply::History(page))));
}

pub(super) fn shown(s: &State) -> String {
    view(s).text_content()
}

#[test]
fn direct_mode_says_in_one_line_that_history_needs_the_relay_and_reads_nothing() {
    english();
    let mut s = loaded();
    assert!(calls(&update(&mut s, Msg::HistoryLoad)).is_empty());
    let v = view(&s);
    let line = v.find(&|e| e.get("data-hist-relay").is_some()).unwrap();
    assert!(Node::El(line.clone())
        .text_content()
        .contains("needs the relay"));
    assert!(v.find(&|e| e.get("data-a") == Some("hist")).is_none());
}

#[test]
fn the_history_is_read_on_demand_with_full_pages_and_more_through_the_cursor() {
    let mut s = relayed();
    let fx = update(&mut s, Msg::HistoryLoad);
    assert_eq!(
        calls(&fx),
        vec![(Job::History(1), Call::History(HistoryQuery::default()))]
    );
    let first = change(
        Did::Update,
        1,
        Some(fields("Chat", 10)),
        Some(fields("Chat 2", 10)),
    );
    let page = HistoryPage {
        changes: vec![first],
        next: Some("c1".into()),
    };
    update(
        &mut s,
        Msg::Reply(Job::History(1), Ok(Reply::History(page))),
    );
    assert_eq!(s.history.load, HistoryLoad::Ready);
    let more = calls(&update(&mut s, Msg::HistoryMore));
    let q = HistoryQuery {
        cursor: Some("c1".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(more, vec![(Job::History(1), Call::History(q))]);
    // A second click while the page is read sends nothing.
    assert!(calls(&update(&mut s, Msg::HistoryMore)).is_empty());
    let older = change(Did::Create, 1, None, Some(fields("Chat", 10)));
    let page = HistoryPage {
        changes: vec![older],
        next: None,
    };
    update(
        &mut s,
        Msg::Reply(Job::History(1), Ok(Reply::History(page))),
    );
    assert_eq!(s.history.entries.len(), 2);
    assert!(calls(&update(&mut s, Msg::HistoryMore)).is_empty());
}

#[test]
fn filters_read_again_and_a_page_of_an_older_filter_is_dropped() {
    let mut s = relayed();
    update(&mut s, Msg::HistoryLoad);
    let fx = update(&mut s, Msg::HistoryUser(Some(7)));
    let q = HistoryQuery {
        user_id: Some(7),
        ..HistoryQuery::default()
    };
    assert_eq!(calls(&fx), vec![(Job::History(2), Call::History(q))]);
    let stale = HistoryPage {
        changes: vec![change(Did::Delete, 1, Some(fields("Chat", 10)), None)],
        next: None,
    };
    update(
        &mut s,
        Msg::Reply(Job::History(1), Ok(Reply::History(stale))),
    );
    assert!(s.history.entries.is_empty());
    // A row's own History filters by that source, for everyone, and takes focus there.
    let fx = update(&mut s, Msg::HistoryOf(RowKey::Saved(2)));
    let q = HistoryQuery {
        source_id: Some(2),
        ..HistoryQuery::default()
    };
    assert_eq!(calls(&fx), vec![(Job::History(3), Call::History(q))]);
    assert!(fx.contains(&Effect::Focus(history_heading())));
}

#[test]
fn each_row_has_its_own_history_button_named_with_the_source() {
    english();
    let s = relayed();
    let v = view(&s);
    let mut found = Vec::new();
    v.find_all(
        &|e| e.get("data-a") == Some(Action::History.as_str()),
        &mut found,
    );
    let names: Vec<_> = found.iter().filter_map(|e| e.get("aria-label")).collect();
    assert_eq!(names, vec!["History Chat", "History Calls"]);
}

#[test]
fn an_entry_says_who_when_and_what_field_by_field_with_pipelines_by_name() {
    english();
    let mut s = relayed();
    s.utc_offset = 3600;
    let edit = change(
        Did::Update,
        1,
        Some(fields("Chat", 10)),
        Some(fields("Chat 2", 20)),
    );
    let refused = Change {
        status: 400,
        after: None,
        ..change(Did::Update, 2, Some(fields("Calls", 10)), None)
    };
    let gone = change(Did::Delete, 9, Some(fields("Gone", 99)), None);
    opened(&mut s, vec![edit, refused, gone], None);
    let text = shown(&s);
    // 1_700_000_000 is 2023-11-14 22:13 UTC; an hour east is 23:13.
    assert!(
        text.contains("Ana · 2023-11-14 23:13 · changed Chat 2 ext1"),
        "{text}"
    );
    assert!(text.contains("Name: “Chat” → “Chat 2”"), "{text}");
    assert!(text.contains("Pipeline: Sales → Old"), "{text}");
    assert!(text.contains("refused"), "{text}");
    assert!(text.contains("Kommo refused this change"), "{text}");
    // A deletion shows what was deleted; an unknown pipeline goes by its id.
    assert!(text.contains("deleted Gone ext9"), "{text}");
    assert!(text.contains("Pipeline: 99"), "{text}");
    // Revert on the edit, Restore on the deletion, nothing on the refused change.
    let v = view(&s);
    let mut undo = Vec::new();
    v.find_all(
        &|e| e.get("data-i").is_some() && e.tag == "button",
        &mut undo,
    );
    let undo: Vec<_> = undo
        .iter()
        .filter_map(|e| Some((e.get("data-a")?, e.get("aria-label")?)))
        .collect();
    assert_eq!(
        undo,
        vec![("hrevert", "Revert Chat 2"), ("restore", "Restore Gone")]
    );
}

pub(super) fn wa(pages: &[(&str, &str, &str)]) -> Option<Vec<serde_json::Value>> {
    let pages: Vec<_> = pages
        .iter()
        .map(|(name, id, link)| json!({"name": name, "id": id, "link": link}))
        .collect();
    Some(vec![json!({"type": "whatsapp", "pages": pages})])
}

#[test]
fn whatsapp_pages_say_which_were_added_removed_or_changed() {
    english();
    let mut s = relayed();
    let mut b = fields("Chat", 10);
    b.services = wa(&[("Sales", "p1", "111"), ("Help", "p2", "222")]);
    let mut a = b.clone();
    a.services = wa(&[("Sales", "p1", "199"), ("Night", "p3", "333")]);
    opened(&mut s, vec![change(Did::Update, 1, Some(b), Some(a))], None);
    let text = shown(&s);
    assert!(text.contains("Pages added: Night (333)"), "{text}");
    assert!(text.contains("Pages removed: Help (222)"), "{text}");
    assert!(text.contains("Pages changed: Sales (199)"), "{text}");
}

#[test]
fn user_text_is_rendered_as_text() {
    let mut s = relayed();
    let mut c = change(
        Did::Create,
        1,
        None,
        Some(fields("<img src=x onerror=alert(1)>", 10)),
    );
    c.user_name = "<b>Eve</b>".into();
    opened(&mut s, vec![c], None);
    let v = view(&s);
    assert!(v.find(&|e| e.tag == "img" || e.tag == "b").is_none());
    assert!(v.text_content().contains("<b>Eve</b>"));
}

#[test]
fn a_failed_read_is_said_like_other_reads_and_retried_from_the_banner() {
    let mut s = relayed();
    update(&mut s, Msg::HistoryLoad);
    update(
        &mut s,
        Msg::Reply(Job::History(1), Err(ApiError::Network("down".into()))),
    );
    assert_eq!(s.history.load, HistoryLoad::Failed);
    let b = s.banner.clone().unwrap();
    assert_eq!((b.msg, b.retry), (T::ErrNetworkRead, true));
    let fx = update(&mut s, Msg::Retry);
    assert_eq!(
        calls(&fx),
        vec![(Job::History(1), Call::History(HistoryQuery::default()))]
    );
    let page = HistoryPage::default();
    update(
        &mut s,
        Msg::Reply(Job::History(1), Ok(Reply::History(page))),
    );
    assert_eq!(s.history.load, HistoryLoad::Ready);
}

#[test]
fn an_open_history_follows_the_changes_made_from_the_list() {
    let mut s = relayed();
    // Not opened: a save reads no history.
    type_name(&mut s, RowKey::Saved(1), "Chat 2");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
    let fx = update(
        &mut s,
        Msg::Reply(
            sent[0].0.clone(),
            Ok(Reply::One(Some(src(1, "Chat 2", "chat", 10)))),
        ),
    );
    assert!(calls(&fx).is_empty());
    opened(&mut s, Vec::new(), None);
    type_name(&mut s, RowKey::Saved(1), "Chat 3");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
    let fx = update(
        &mut s,
        Msg::Reply(
            sent[0].0.clone(),
            Ok(Reply::One(Some(src(1, "Chat 3", "chat", 10)))),
        ),
    );
    assert_eq!(
        calls(&fx),
        vec![(Job::History(2), Call::History(HistoryQuery::default()))]
    );
}

#[test]
fn focus_goes_back_to_the_button_that_read_the_page_or_to_the_heading() {
    let mut s = relayed();
    update(&mut s, Msg::HistoryLoad);
    let page = |next: Option<&str>| HistoryPage {
        changes: vec![change(Did::Create, 1, None, Some(fields("Chat", 10)))],
        next: next.map(str::to_owned),
    };
    let fx = update(
        &mut s,
        Msg::Reply(Job::History(1), Ok(Reply::History(page(Some("c"))))),
    );
    assert!(fx.contains(&Effect::Refocus(Action::HistoryLoad.selector())));
    update(&mut s, Msg::HistoryMore);
    let fx = update(
        &mut s,
        Msg::Reply(Job::History(1), Ok(Reply::History(page(Some("d"))))),
    );
    assert!(fx.contains(&Effect::Refocus(Action::HistoryMore.selector())));
    update(&mut s, Msg::HistoryMore);
    let fx = update(
        &mut s,
        Msg::Reply(Job::History(1), Ok(Reply::History(page(None)))),
    );
    assert!(fx.contains(&Effect::Refocus(history_heading())));
}
