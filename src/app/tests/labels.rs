//! What the admin reads beside a control: whose control it is, why Add is off, where the
//! advanced page is.

use super::*;
use crate::i18n::{Lang, T};
use action::Action;
use node::{El, Node};

fn find(tree: &Node, pred: &dyn Fn(&El) -> bool) -> Vec<El> {
    let mut out = Vec::new();
    tree.find_all(pred, &mut out);
    out.into_iter().cloned().collect()
}

fn act(a: Action) -> impl Fn(&El) -> bool {
    move |e: &El| e.get("data-a") == Some(a.as_str())
}

#[test]
fn a_rows_controls_name_their_source_and_errors_are_linked_to_their_fields() {
    english();
    let mut s = loaded();
    let v = view::view(&s);
    let names: Vec<String> = find(&v, &act(Action::Name))
        .iter()
        .map(|e| e.get("aria-label").unwrap_or("").to_owned())
        .collect();
    assert_eq!(names, ["Name Chat", "Name Calls"]);
    let defaults = find(&v, &act(Action::Default));
    assert_eq!(defaults[1].get("aria-label"), Some("Default source Calls"));

    type_name(&mut s, RowKey::Saved(1), "");
    let v = view::view(&s);
    let input = find(&v, &act(Action::Name)).remove(0);
    let id = input.get("aria-describedby").expect("linked to its error");
    let err = find(&v, &|e| e.get("id") == Some(id));
    assert_eq!(err.len(), 1);
    assert_eq!(Node::El(err[0].clone()).text_content(), "Required.");
}

#[test]
fn at_the_limit_add_says_why_in_view_and_the_meter_shows_full() {
    english();
    // The two sources of `loaded` fill a limit of two.
    let mut s = loaded();
    s.limit = 2;
    let v = view::view(&s);
    let add = find(&v, &act(Action::Add)).remove(0);
    assert!(add.get("disabled").is_some());
    let why = add.get("aria-describedby").expect("the reason is named");
    let reason = find(&v, &|e| e.get("id") == Some(why)).remove(0);
    assert_ne!(reason.get("class"), Some("ksm-sr"), "seen, not only heard");
    assert_eq!(Node::El(reason).text_content(), Lang::En.t(T::QuotaFull));
    let meter = find(&v, &|e| e.tag == "meter").remove(0);
    let num = |a: &str| meter.get(a).and_then(|x| x.parse::<f64>().ok());
    // Past `high`, with the optimum at the low end: the browser shows it as bad, not green.
    assert!(num("value") > num("high") && num("optimum") < num("low"));
}

#[test]
fn the_settings_hint_links_to_the_advanced_page() {
    english();
    let mut s = State::new(Mode::Settings, Lang::En, 50, None);
    s.widget_code = Some("sources_manager".into());
    let v = view::view(&s);
    let links = find(&v, &|e| e.tag == "a" && e.get("data-advanced").is_some());
    assert_eq!(
        links[0].get("href"),
        Some("/settings/widgets/sources_manager/advanced")
    );
    assert_eq!(
        Node::El(links[0].clone()).text_content(),
        "advanced settings page"
    );
    // A code that could leave the path is not linked.
    s.widget_code = Some("../x".into());
    let v = view::view(&s);
    assert!(find(&v, &|e| e.tag == "a" && e.get("data-advanced").is_some()).is_empty());
    assert!(v.text_content().contains("advanced settings page."));
}

#[test]
fn columns_have_fixed_widths_so_a_dirty_row_does_not_resize_them() {
    let v = view::view(&loaded());
    let ths = find(&v, &|e| e.tag == "th");
    assert!(ths
        .iter()
        .all(|t| t.get("class").is_some_and(|c| c.starts_with("ksm-c-"))));
}
