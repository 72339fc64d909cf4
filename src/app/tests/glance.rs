//! The Traffic view at a glance: leads grouped by pipeline, a chart that says its values,
//! a source's latest leads under its own row, and a way to the view from the top.

use super::*;
use crate::i18n::Lang;
use crate::lead::{Lead, LeadSource};
use crate::model::Status;
use crate::traffic::DAY;
use node::{El, Node};

/// 2027-01-15 08:00 UTC.
const NOW: i64 = 1_800_000_000;

fn lead(id: u64, source: u64, pipeline: u64, status: u64, age: i64) -> Lead {
    Lead {
        id,
        name: format!("Lead {id}"),
        pipeline_id: pipeline,
        status_id: status,
        created_at: NOW - age,
        source: Some(LeadSource {
            id: source,
            name: String::new(),
            external_id: None,
        }),
    }
}

/// A loaded manager whose read found, for source 1 (in Sales): 2 leads in Sales' first
/// stage and 1 in its second, made today, and 1 in Old from 2 days ago.
fn read() -> State {
    english();
    let (mut s, _) = loaded_at(NOW);
    s.pipelines[0].statuses = vec![
        Status {
            id: 101,
            name: "Incoming leads".into(),
        },
        Status {
            id: 102,
            name: "Qualified".into(),
        },
    ];
    s.pipelines[1].statuses = vec![Status {
        id: 201,
        name: "Met".into(),
    }];
    let leads = vec![
        lead(1, 1, 10, 101, 60),
        lead(2, 1, 20, 201, 2 * DAY + 60),
        lead(3, 1, 10, 102, 120),
        lead(4, 1, 10, 101, 180),
    ];
    update(
        &mut s,
        Msg::Reply(Job::Traffic(1), Ok(Reply::Leads(leads, None))),
    );
    s
}

fn traffic_view(s: &State) -> Node {
    let v = view::view(s);
    Node::El(
        v.find(&|e| e.get("data-traffic").is_some())
            .unwrap()
            .clone(),
    )
}

fn all<'a>(n: &'a Node, pred: &dyn Fn(&El) -> bool) -> Vec<&'a El> {
    let mut out = Vec::new();
    n.find_all(pred, &mut out);
    out
}

fn text(e: &El) -> String {
    Node::El(e.clone()).text_content()
}

#[test]
fn where_the_leads_are_is_grouped_by_pipeline_with_a_subtotal_the_foreign_one_marked() {
    let s = read();
    let v = traffic_view(&s);
    let groups = all(&v, &|e| e.get("data-pipeline").is_some());
    let said: Vec<String> = groups.iter().map(|g| text(g)).collect();
    assert_eq!(
        said,
        vec![
            "Sales 3Incoming leads: 2Qualified: 1".to_owned(),
            "Old 1 ⚠Met: 1".to_owned()
        ],
        "the source's own pipeline first, each with its subtotal and its stages"
    );
    assert_eq!(groups[1].get("class"), Some("ksm-outside"));
    let mark = Node::El(groups[1].clone());
    let mark = mark.find(&|e| e.get("role") == Some("img")).unwrap();
    assert_eq!(
        mark.get("aria-label"),
        Some(Lang::En.t(crate::i18n::T::LeadOutside))
    );
}

#[test]
fn each_bar_of_the_chart_is_titled_with_its_date_and_count_and_the_scale_has_its_top() {
    let s = read();
    let v = traffic_view(&s);
    let chart = v.find(&|e| e.tag == "figure").unwrap();
    let chart = Node::El(chart.clone());
    let titles: Vec<String> = all(&chart, &|e| e.tag == "title")
        .iter()
        .map(|t| text(t))
        .collect();
    assert_eq!(titles.len(), 7, "one a day of the week shown");
    assert_eq!(titles[6], "Leads on 2027-01-15: 3");
    assert_eq!(titles[4], "Leads on 2027-01-13: 1");
    assert_eq!(titles[0], "Leads on 2027-01-09: 0");
    let top = chart.find(&|e| e.get("data-max").is_some()).unwrap();
    assert_eq!(top.get("data-max"), Some("3"));
    assert_eq!(text(top), "max. 3");

    // In the admin's time zone: 20:00 on the 14th in UTC-12 is still that day.
    let mut s = s;
    s.utc_offset = -12 * 3600;
    let v = traffic_view(&s);
    let last = all(&v, &|e| e.tag == "title")[6];
    assert_eq!(text(last), "Leads on 2027-01-14: 3");
}

#[test]
fn latest_leads_open_under_the_row_that_asked_for_them() {
    let mut s = read();
    update(&mut s, Msg::ShowLeads(1));
    let v = traffic_view(&s);
    let rows = all(&v, &|e| e.tag == "tr");
    let at = |pred: &dyn Fn(&El) -> bool| rows.iter().position(|r| pred(r));
    let own = at(&|r| text(r).starts_with("Chat")).unwrap();
    let latest = at(&|r| {
        Node::El((*r).clone())
            .find(&|e| e.get("data-latest") == Some("s1"))
            .is_some()
    })
    .expect("the latest leads are in the table");
    assert_eq!(latest, own + 1, "right under the Chat row");
    let calls = at(&|r| text(r).starts_with("Calls")).unwrap();
    assert!(calls > latest, "before the next source");
    let cell = rows[latest].kids[0].as_el().unwrap();
    assert_eq!(cell.get("colspan"), Some("5"));
}

#[test]
fn the_top_bar_leads_to_the_traffic_view_heading_which_takes_focus() {
    let mut s = read();
    let v = view::view(&s);
    let go = v
        .find(&|e| e.get("data-a") == Some(action::Action::GoTraffic.as_str()))
        .expect("a way to the Traffic view at the top");
    assert_eq!(text(go), "Lead traffic");
    let fx = update(&mut s, Msg::GoTraffic);
    let [Effect::Focus(sel)] = &fx[..] else {
        panic!("focus moves: {fx:?}")
    };
    let id = sel.strip_prefix('#').unwrap();
    let heading = v.find(&|e| e.get("id") == Some(id)).unwrap();
    assert_eq!(heading.tag, "h3");
    assert_eq!(
        heading.get("tabindex"),
        Some("-1"),
        "a heading takes focus so"
    );
    // The link is before the list; the view after it.
    let before = |a: &El, b: &El| {
        let mut seen = Vec::new();
        v.find_all(&|_| true, &mut seen);
        let i = |x: &El| seen.iter().position(|e| std::ptr::eq(*e, x)).unwrap();
        i(a) < i(b)
    };
    assert!(before(go, heading));
    assert_eq!(
        event::to_msg(event::Ev {
            kind: event::Kind::Click,
            act: action::Action::GoTraffic.as_str(),
            key: "",
            idx: "",
            value: String::new(),
            checked: false,
        }),
        Some(Msg::GoTraffic)
    );
}
