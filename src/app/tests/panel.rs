//! The Digital Pipeline panel's layout: a narrow table with details under a row, the add
//! form's one row of buttons, and where a moved source went.

use super::pipeline::{find, panel};
use super::*;
use crate::app::action::Action;
use node::Node;

/// Whether the view has a control with action `a`.
fn has(s: &State, a: Action) -> bool {
    !find(s, &|e| e.get("data-a") == Some(a.as_str())).is_empty()
}

#[test]
fn the_panel_table_has_four_columns_and_the_rest_opens_under_the_row() {
    let mut s = panel(10);
    assert_eq!(find(&s, &|e| e.tag == "th").len(), 4);
    assert!(!has(&s, Action::Pipe) && !has(&s, Action::Origin));
    let toggles = find(&s, &|e| e.get("data-a") == Some(Action::Wa.as_str()));
    assert_eq!(toggles.len(), 2, "one per row");
    assert_eq!(toggles[0].get("aria-expanded"), Some("false"));

    update(&mut s, Msg::ToggleWa(RowKey::Saved(1)));
    assert_eq!(find(&s, &|e| e.get("data-a") == Some("pipe")).len(), 1);
    assert!(has(&s, Action::Origin) && has(&s, Action::AddPage));
    let toggles = find(&s, &|e| e.get("data-a") == Some(Action::Wa.as_str()));
    assert_eq!(toggles[0].get("aria-expanded"), Some("true"));

    // The advanced page keeps its full table.
    let full = view::view(&loaded());
    let mut ths = Vec::new();
    full.find_all(&|e| e.tag == "th", &mut ths);
    assert_eq!(ths.len(), 8);
}

#[test]
fn a_field_error_under_the_row_opens_its_details() {
    let mut s = panel(10);
    update(
        &mut s,
        Msg::Edit(RowKey::Saved(1), Edit::Origin("123".into())),
    );
    assert!(has(&s, Action::Origin), "the marked field is in view");
}

#[test]
fn a_source_moved_away_says_where_it_went() {
    english();
    let mut s = panel(10);
    update(&mut s, Msg::ToggleWa(RowKey::Saved(1)));
    update(&mut s, Msg::Edit(RowKey::Saved(1), Edit::Pipeline(20)));
    let sent = calls(&update(&mut s, Msg::Save(RowKey::Saved(1))));
    update(
        &mut s,
        Msg::Reply(
            sent[0].0.clone(),
            Ok(Reply::One(Some(src(1, "Chat", "chat", 20)))),
        ),
    );
    let status = find(&s, &|e| e.get("data-status").is_some());
    assert_eq!(Node::El(status[0].clone()).text_content(), "Moved to Old.");
}

#[test]
fn the_add_form_has_one_row_of_buttons_and_no_second_add_under_it() {
    let mut s = panel(10);
    update(&mut s, Msg::AddAsSource(10));
    assert!(
        !has(&s, Action::Add),
        "Add source hides while its form is open"
    );
    let bars = find(&s, &|e| {
        let acts: Vec<&str> = e
            .kids
            .iter()
            .filter_map(|k| k.as_el()?.get("data-a"))
            .collect();
        acts.contains(&Action::Save.as_str()) && acts.contains(&Action::Close.as_str())
    });
    assert_eq!(bars.len(), 1, "Create and Cancel share one row");
    update(&mut s, Msg::CloseDialog);
    assert!(has(&s, Action::Add));
}
