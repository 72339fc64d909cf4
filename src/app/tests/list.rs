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
            Ok(Reply::Page(
                vec![
                    src(1, "Renamed elsewhere", "chat", 10),
                    src(2, "Calls 2", "calls", 10),
                ],
                None,
            )),
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
            Ok(Reply::Page(
                vec![src(1, "Chat", "chat", 10), src(2, "Calls", "calls", 10)],
                None,
            )),
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
    update(
        &mut s,
        Msg::Reply(Job::Sources, Ok(Reply::Page(vec![], None))),
    );
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
            Ok(Reply::Page(
                vec![
                    src(1, "beta", "b-2", 10),
                    src(2, "Alpha", "c-1", 10),
                    src(3, "gamma", "A-3", 10),
                ],
                None,
            )),
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
            Ok(Reply::Page(vec![src(1, "Chat", "chat", 10)], None)),
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
        (false, format!("10 ({})", Lang::En.t(T::UnknownPipeline))),
        "a failed pipeline list leaves the picker usable, naming the pipeline by its id"
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

#[test]
fn a_list_that_links_a_next_page_is_read_to_its_end_before_it_is_shown() {
    let mut s = State::new(Mode::Advanced, Lang::En, 100, None);
    update(&mut s, Msg::Start);
    let next = "/api/v4/sources?page=2&limit=50".to_owned();
    let fx = update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(
                vec![src(1, "Chat", "chat", 10)],
                Some(next.clone()),
            )),
        ),
    );
    assert_eq!(
        calls(&fx),
        vec![(Job::Sources, Call::ListPage(next.clone()))]
    );
    assert_eq!(
        s.load,
        Load::Loading,
        "half a list is not shown as the list"
    );
    // The second page fails; its retry asks for that page again and keeps the first.
    update(
        &mut s,
        Msg::Reply(Job::Sources, Err(ApiError::Network("offline".into()))),
    );
    let fx = update(&mut s, Msg::Retry);
    assert!(calls(&fx).contains(&(Job::Sources, Call::ListPage(next))));
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(
                vec![src(1, "Chat", "chat", 10), src(2, "Calls", "calls", 10)],
                None,
            )),
        ),
    );
    assert_eq!(s.load, Load::Ready);
    let ids: Vec<RowKey> = s.rows.iter().map(|r| r.key).collect();
    assert_eq!(
        ids,
        vec![RowKey::Saved(1), RowKey::Saved(2)],
        "no row twice"
    );
    assert!(s.paging.is_empty());
}

#[test]
fn a_next_link_that_brings_nothing_new_ends_the_read() {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    let page = || {
        Ok(Reply::Page(
            vec![src(1, "Chat", "chat", 10)],
            Some("/api/v4/sources?page=1".into()),
        ))
    };
    let fx = update(&mut s, Msg::Reply(Job::Sources, page()));
    assert_eq!(calls(&fx).len(), 1);
    let fx = update(&mut s, Msg::Reply(Job::Sources, page()));
    assert!(
        calls(&fx).iter().all(|(j, _)| *j != Job::Sources),
        "the same page again is not asked for a third time"
    );
    assert_eq!(s.load, Load::Ready);
    assert_eq!(s.rows.len(), 1);
}

#[test]
fn a_fresh_read_of_the_first_page_drops_what_an_abandoned_read_had_gathered() {
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    update(&mut s, Msg::Start);
    let next = Some("/api/v4/sources?page=2".to_owned());
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(vec![src(1, "Gone", "gone", 10)], next)),
        ),
    );
    update(
        &mut s,
        Msg::Reply(Job::Sources, Err(ApiError::Network("offline".into()))),
    );
    update(&mut s, Msg::Refresh);
    update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(vec![src(2, "Calls", "calls", 10)], None)),
        ),
    );
    let ids: Vec<RowKey> = s.rows.iter().map(|r| r.key).collect();
    assert_eq!(ids, vec![RowKey::Saved(2)]);
}

#[test]
fn the_lookup_asks_for_one_external_id_per_line_and_names_those_not_found() {
    let mut s = loaded();
    update(
        &mut s,
        Msg::LookupText("chat,with comma\n  calls \n\nCALLS\r\nnone".into()),
    );
    let fx = update(&mut s, Msg::LookupGo);
    let asked = vec!["chat,with comma".to_owned(), "calls".into(), "none".into()];
    assert_eq!(calls(&fx), vec![(Job::Lookup, Call::Find(asked))]);
    update(
        &mut s,
        Msg::Reply(
            Job::Lookup,
            Ok(Reply::Sources(vec![
                src(3, "Comma", "chat,with comma", 10),
                src(2, "Calls", "calls", 10),
            ])),
        ),
    );
    let Some(LookupResult::Found(found, missing)) = &s.lookup_result else {
        panic!("{:?}", s.lookup_result)
    };
    assert_eq!(found.len(), 2);
    assert_eq!(missing, &vec!["none".to_owned()]);
}

#[test]
fn a_lookup_of_more_ids_than_one_request_takes_says_so_and_sends_nothing() {
    let mut s = loaded();
    let many: Vec<String> = (0..=crate::rules::MAX_BATCH)
        .map(|i| format!("id{i}"))
        .collect();
    update(&mut s, Msg::LookupText(many.join("\n")));
    assert!(calls(&update(&mut s, Msg::LookupGo)).is_empty());
    assert_eq!(s.lookup_result, Some(LookupResult::TooMany));
    assert_eq!(s.lookup, many.join("\n"), "what was typed stays");
}

#[test]
fn the_lookup_says_when_it_helps_and_each_source_found_is_shown_in_the_list() {
    let mut s = loaded();
    let tree = view::view(&s);
    let lookup = tree
        .find(&|e| e.get("data-a") == Some("lookup"))
        .expect("the lookup box");
    let hint = lookup
        .get("aria-describedby")
        .expect("described by its hint");
    assert!(tree.find(&|e| e.get("id") == Some(hint)).is_some());

    // One source is in the list, behind a search; another was added elsewhere since.
    update(&mut s, Msg::Search("calls".into()));
    update(&mut s, Msg::LookupText("chat\nnew-one".into()));
    let sent = calls(&update(&mut s, Msg::LookupGo));
    let found = vec![src(1, "Chat", "chat", 10), src(9, "New one", "new-one", 10)];
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::Sources(found))),
    );
    let tree = view::view(&s);
    let mut shows = Vec::new();
    tree.find_all(&|e| e.get("data-a") == Some("show-found"), &mut shows);
    assert_eq!(
        shows.iter().map(|b| b.get("data-i")).collect::<Vec<_>>(),
        [Some("1"), Some("9")]
    );

    let fx = update(&mut s, Msg::ShowFound(1));
    assert_eq!(s.search, "", "the search that hid it is cleared");
    assert_eq!(fx, vec![Effect::Focus("[data-k=s1] [data-a=name]".into())]);
    let fx = update(&mut s, Msg::ShowFound(9));
    assert!(
        s.row(RowKey::Saved(9)).is_some(),
        "a source added elsewhere joins the list"
    );
    assert_eq!(fx, vec![Effect::Focus("[data-k=s9] [data-a=name]".into())]);
}

#[test]
fn a_rate_limit_counts_down_in_the_singular_and_the_plural() {
    english();
    let mut s = loaded();
    type_name(&mut s, RowKey::Saved(1), "X");
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
    let limited = ApiError::RateLimited {
        retry_after: Some(std::time::Duration::from_secs(2)),
    };
    update(&mut s, Msg::Reply(sent[0].0.clone(), Err(limited)));
    let text = |s: &State| {
        let tree = view::view(s);
        let banner = tree
            .find(&|e| e.get("class") == Some("ksm-banner ksm-banner--e"))
            .expect("the banner")
            .clone();
        node::Node::El(banner).text_content()
    };
    assert_eq!(
        text(&s),
        "Too many requests. Retrying automatically in 2 seconds."
    );
    let tick = Timer::Countdown(s.timer_gen);
    update(&mut s, Msg::Tick(tick));
    assert_eq!(
        text(&s),
        "Too many requests. Retrying automatically in 1 second."
    );
}
