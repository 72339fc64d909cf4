//! The view itself: user text stays text, parts are keyed, no false claims before a load.

use super::*;
use crate::i18n::{Lang, T};
use action::Action;
use node::Node;

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

    // The Digital Pipeline panel holds the parts, each keyed the same way.
    let panel_keys = |s: &State| -> Vec<String> {
        let tree = view::view(s);
        let mut sides = Vec::new();
        tree.find_all(&|e| e.get("class") == Some("ksm-side"), &mut sides);
        sides[0]
            .kids
            .iter()
            .map(|k| match k {
                Node::El(e) => e.key.as_deref().unwrap_or("").to_owned(),
                Node::Text(_) => String::new(),
            })
            .collect()
    };
    let mut add = State::new(Mode::Pipeline, Lang::En, 50, Some(10));
    update(&mut add, Msg::Start);
    assert_eq!(panel_keys(&add), vec!["hd", "st", "load"]);
    update(&mut add, Msg::AddAsSource(10));
    assert_eq!(panel_keys(&add), vec!["hd", "st", "dl", "load"]);
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
    update(
        &mut s,
        Msg::Reply(Job::Sources, Ok(Reply::Page(vec![], None))),
    );
    let shown = view::view(&s).text_content();
    assert!(shown.contains(Lang::En.t(T::Empty)), "{shown}");
    assert!(shown.contains("0 / 50"), "{shown}");
}
