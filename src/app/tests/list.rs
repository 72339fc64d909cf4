//! Loading and reloading the list: refreshes keep typing, search, sort, and the first load.

use super::*;
use crate::i18n::{Lang, T};
use node::Node;

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
fn case_folding_covers_the_letters_of_english_spanish_and_portuguese() {
    assert_eq!(fold("ÁÉÍÓÚ ÑÇ ÃÕ Ü ABC"), "áéíóú ñç ãõ ü abc");
    assert_eq!(fold("ĄĆŁŹŻ ŒŠ"), "ąćłźż œš");
    assert_eq!(fold("× ß 1-2_x"), "× ß 1-2_x");
}
