//! The traffic read: after the list, page by page, cancellable, resumable, and shown.

use super::*;
use crate::api::LeadsQuery;
use crate::app::traffic::{Traffic, TrafficLoad, MAX_PAGES};
use crate::lead::{Lead, LeadSource};
use crate::traffic::{Period, DAY};
use action::Action;
use node::Node;

const NOW: i64 = 1_800_000_000;

fn lead(id: u64, source: u64, pipeline: u64, age: i64) -> Lead {
    Lead {
        id,
        name: format!("Lead {id}"),
        pipeline_id: pipeline,
        status_id: pipeline * 10,
        created_at: NOW - age,
        source: (source > 0).then(|| LeadSource {
            id: source,
            name: String::new(),
            external_id: None,
        }),
    }
}

/// A loaded manager whose first traffic read was just asked for.
fn reading() -> (State, Vec<Effect>) {
    loaded_at(NOW)
}

fn page(s: &mut State, gen: u32, leads: Vec<Lead>, next: Option<&str>) -> Vec<Effect> {
    update(
        s,
        Msg::Reply(
            Job::Traffic(gen),
            Ok(Reply::Leads(leads, next.map(str::to_owned))),
        ),
    )
}

#[test]
fn the_advanced_page_reads_30_days_of_leads_once_the_list_is_shown() {
    let (s, fx) = reading();
    assert_eq!(s.load, Load::Ready, "the list is shown first");
    assert_eq!(calls(&fx), first_read(30, None));
    assert_eq!(s.traffic.load, TrafficLoad::Loading);

    let mut settings = State::new(Mode::Settings, Lang::En, 50, None);
    update(&mut settings, Msg::Start);
    let fx = update(
        &mut settings,
        Msg::Reply(Job::Sources, Ok(Reply::Page(vec![], None))),
    );
    assert!(
        calls(&fx)
            .iter()
            .all(|(j, _)| !matches!(j, Job::Traffic(_))),
        "the settings modal reads no leads"
    );
}

#[test]
fn pages_are_followed_one_at_a_time_and_a_lead_seen_twice_counts_once() {
    let (mut s, _) = reading();
    let fx = page(
        &mut s,
        1,
        vec![lead(7, 1, 10, 100), lead(6, 2, 20, 200)],
        Some("/api/v4/leads?page=2"),
    );
    assert_eq!(
        calls(&fx),
        vec![(
            Job::Traffic(1),
            Call::LeadsPage("/api/v4/leads?page=2".into())
        )]
    );
    assert_eq!(
        s.traffic.reading.len(),
        2,
        "the progress counts what was read"
    );
    // A lead created meanwhile shifts the pages: the next one repeats lead 6.
    let fx = page(
        &mut s,
        1,
        vec![lead(6, 2, 20, 200), lead(5, 0, 10, 300)],
        None,
    );
    assert!(calls(&fx).is_empty());
    assert_eq!(s.traffic.load, TrafficLoad::Ready);
    assert_eq!(s.traffic.read_at, Some(NOW));
    let ids: Vec<u64> = s.traffic.leads.iter().map(|l| l.id).collect();
    assert_eq!(ids, vec![7, 6, 5]);

    let report = s.traffic.report.as_ref().unwrap();
    assert_eq!(report.of(1).unwrap().count, 1);
    assert!(
        report.of(2).unwrap().wrong_pipeline(),
        "lead 6 is in pipeline 20"
    );
    assert_eq!(report.others, 1);
}

#[test]
fn the_report_follows_the_saved_sources_and_the_period_but_not_what_is_typed() {
    let (mut s, _) = reading();
    page(
        &mut s,
        1,
        vec![lead(7, 1, 10, 100), lead(6, 1, 20, 8 * DAY)],
        None,
    );
    let week = s.traffic.report.clone().unwrap();
    assert_eq!(
        week.of(1).unwrap().count,
        1,
        "the lead of 8 days ago is out"
    );

    let k = s.rows[0].key;
    type_name(&mut s, k, "Chat (renamed, not saved)");
    assert_eq!(
        s.traffic.report.as_ref(),
        Some(&week),
        "a keystroke changes nothing"
    );

    update(&mut s, Msg::Period(Period::Month));
    assert_eq!(s.traffic.report.as_ref().unwrap().of(1).unwrap().count, 2);

    // Source 1 saved into pipeline 20: its leads there are no longer in the wrong pipeline.
    update(&mut s, Msg::Revert(k));
    update(&mut s, Msg::Edit(k, Edit::Pipeline(20)));
    let sent = calls(&update(&mut s, Msg::Save(k)));
    let moved = src(1, "Chat", "chat", 20);
    update(
        &mut s,
        Msg::Reply(sent[0].0.clone(), Ok(Reply::One(Some(moved)))),
    );
    let t = s.traffic.report.as_ref().unwrap().of(1).unwrap().clone();
    assert_eq!((t.count, t.outside), (2, 1), "lead 7 is in pipeline 10 now");

    // A test lead read back after it landed counts at once, without reading again.
    update(&mut s, Msg::Copy(k));
    update(&mut s, Msg::SendTestLead);
    update(
        &mut s,
        Msg::Reply(Job::TestLead, Ok(Reply::LeadsCreated(vec![900]))),
    );
    update(
        &mut s,
        Msg::Reply(Job::CheckLead, Ok(Reply::Lead(Some(lead(900, 1, 20, 10))))),
    );
    assert_eq!(s.traffic.report.as_ref().unwrap().of(1).unwrap().count, 3);
}

#[test]
fn cancel_drops_the_read_and_its_late_answers() {
    let (mut s, _) = reading();
    page(
        &mut s,
        1,
        vec![lead(7, 1, 10, 100)],
        Some("/api/v4/leads?page=2"),
    );
    update(&mut s, Msg::TrafficCancel);
    assert_eq!(s.traffic.load, TrafficLoad::Cancelled);
    assert!(s.traffic.reading.is_empty());
    let fx = page(
        &mut s,
        1,
        vec![lead(6, 1, 10, 100)],
        Some("/api/v4/leads?page=3"),
    );
    assert!(calls(&fx).is_empty(), "no further page after a cancel");
    assert_eq!(s.traffic.load, TrafficLoad::Cancelled);

    // A new read, cancelled in turn, leaves the last complete one shown.
    let fx = update(&mut s, Msg::TrafficLoad);
    assert_eq!(calls(&fx)[0].0, Job::Traffic(3));
    page(&mut s, 3, vec![lead(7, 1, 10, 100)], None);
    update(&mut s, Msg::TrafficLoad);
    update(&mut s, Msg::TrafficCancel);
    assert_eq!(s.traffic.load, TrafficLoad::Ready);
    assert_eq!(s.traffic.leads.len(), 1);
}

#[test]
fn a_failed_page_says_why_and_the_read_goes_on_from_it() {
    let (mut s, _) = reading();
    page(
        &mut s,
        1,
        vec![lead(7, 1, 10, 100)],
        Some("/api/v4/leads?page=2"),
    );
    update(
        &mut s,
        Msg::Reply(
            Job::Traffic(1),
            Err(ApiError::RateLimited {
                retry_after: Some(std::time::Duration::from_secs(2)),
            }),
        ),
    );
    assert!(matches!(
        s.traffic.load,
        TrafficLoad::Failed {
            msg: crate::i18n::T::ErrRateLimited,
            ..
        }
    ));
    assert!(s.banner.is_none(), "the list's banner is not the traffic's");
    let fx = update(&mut s, Msg::TrafficResume);
    assert_eq!(
        calls(&fx),
        vec![(
            Job::Traffic(1),
            Call::LeadsPage("/api/v4/leads?page=2".into())
        )]
    );
    page(&mut s, 1, vec![lead(6, 1, 10, 100)], None);
    assert_eq!(
        s.traffic.leads.len(),
        2,
        "what was read before the failure is kept"
    );
}

#[test]
fn an_unmount_keeps_the_last_complete_read_as_finished_and_drops_the_one_in_progress() {
    let (mut s, _) = reading();
    assert_eq!(
        s.traffic.kept(),
        None,
        "nothing to keep before a read completes"
    );
    page(&mut s, 1, vec![lead(7, 1, 10, 100)], None);
    update(&mut s, Msg::Period(Period::Month));
    update(&mut s, Msg::ShowLeads(1));
    update(&mut s, Msg::TrafficLoad);
    page(
        &mut s,
        2,
        vec![lead(8, 1, 10, 50)],
        Some("/api/v4/leads?page=2"),
    );
    let kept = s.traffic.kept().unwrap();
    assert_eq!(kept.load, TrafficLoad::Ready);
    assert_eq!(kept.leads, s.traffic.leads);
    assert_eq!(kept.read_at, Some(NOW));
    assert_eq!((kept.period, kept.open), (Period::Month, Some(1)));
    assert!(kept.reading.is_empty() && kept.resume.is_none());
    assert_eq!((kept.pages, kept.gen), (0, 0));
}

#[test]
fn a_read_stops_at_the_page_cap_and_says_it_has_only_the_newest() {
    let (mut s, _) = reading();
    for n in 0..MAX_PAGES {
        let fx = page(
            &mut s,
            1,
            vec![lead(u64::from(n) + 100, 1, 10, 100)],
            Some("/api/v4/leads?page=next"),
        );
        assert_eq!(calls(&fx).len(), usize::from(n + 1 < MAX_PAGES));
    }
    assert_eq!(s.traffic.load, TrafficLoad::Ready);
    assert!(s.traffic.truncated);
}

#[test]
fn the_view_flags_sources_and_links_each_lead_to_its_card() {
    english();
    let (mut s, _) = reading();
    page(
        &mut s,
        1,
        vec![lead(7, 1, 10, 100), lead(6, 1, 20, 2 * DAY + 5)],
        None,
    );
    let v = view::view(&s);
    let mut lines = Vec::new();
    v.find_all(&|e| e.get("data-traffic-line").is_some(), &mut lines);
    assert_eq!(lines.len(), 2, "a line per source in the list");
    let texts: Vec<String> = lines
        .iter()
        .map(|e| Node::El((*e).clone()).text_content())
        .collect();
    assert!(
        texts[0].starts_with("2 leads in 7 days · 1 min ago"),
        "{}",
        texts[0]
    );
    assert!(texts[0].contains("1 outside its pipeline"), "{}", texts[0]);
    assert!(texts[1].contains("No leads in this period"), "{}", texts[1]);
    let chart = v.find(&|e| e.tag == "svg").expect("a chart");
    assert_eq!(chart.get("data-counts"), Some("0, 0, 0, 0, 1, 0, 1"));

    update(&mut s, Msg::Period(Period::Month));
    update(&mut s, Msg::ShowLeads(1));
    let v = view::view(&s);
    let latest = v
        .find(&|e| e.get("data-latest") == Some("s1"))
        .expect("latest leads");
    let mut links = Vec::new();
    let latest = Node::El(latest.clone());
    latest.find_all(&|e| e.tag == "a", &mut links);
    let hrefs: Vec<&str> = links.iter().filter_map(|a| a.get("href")).collect();
    assert_eq!(hrefs, vec!["/leads/detail/7", "/leads/detail/6"]);
    let show = v
        .find(&|e| e.get("data-a") == Some(Action::ShowLeads.as_str()))
        .unwrap();
    assert_eq!(show.get("aria-expanded"), Some("true"));
}

/// A Digital Pipeline panel on pipeline `pid` at `NOW`, starting from `kept` traffic; the
/// effects of the list's answer.
fn panel_from(pid: u64, kept: Traffic) -> (State, Vec<Effect>) {
    super::pipeline::panel_at(pid, NOW, kept)
}

/// The first traffic read asking for the leads of the last `days`, in `pipeline` if set.
fn first_read(days: i64, pipeline: Option<u64>) -> Vec<(Job, Call)> {
    let from = NOW - days * DAY;
    vec![(Job::Traffic(1), Call::Leads(LeadsQuery { from, pipeline }))]
}

/// The texts of the traffic lines the view shows.
fn traffic_lines(s: &State) -> Vec<String> {
    let v = view::view(s);
    let mut lines = Vec::new();
    v.find_all(&|e| e.get("data-traffic-line").is_some(), &mut lines);
    lines
        .iter()
        .map(|e| Node::El((*e).clone()).text_content())
        .collect()
}

/// The traffic a later mount starts from once `s` is unmounted with a complete read.
fn kept(s: &State) -> Traffic {
    s.traffic.kept().expect("a complete read")
}

#[test]
fn the_panel_reads_its_pipelines_last_7_days_and_its_rows_show_their_traffic() {
    english();
    let (mut s, fx) = panel_from(10, Traffic::default());
    assert_eq!(
        calls(&fx),
        first_read(7, Some(10)),
        "the panel asks for its own pipeline's week, not every lead of the month"
    );
    assert!(traffic_lines(&s).is_empty(), "no line before the read");
    page(
        &mut s,
        1,
        vec![lead(7, 1, 10, 100), lead(6, 1, 10, 200)],
        None,
    );
    let lines = traffic_lines(&s);
    assert_eq!(lines.len(), 2, "a line per row of the pipeline: {lines:?}");
    assert!(lines[0].starts_with("2 leads in 7 days"), "{}", lines[0]);
    assert!(lines[1].contains("No leads in this period"), "{}", lines[1]);
}

#[test]
fn a_kept_read_serves_a_later_mount_only_when_it_covers_what_that_mount_shows() {
    // The advanced page's month of every lead serves any panel.
    let (mut advanced, _) = reading();
    page(&mut advanced, 1, vec![lead(7, 1, 10, 100)], None);
    let (panel, fx) = panel_from(20, kept(&advanced));
    assert!(calls(&fx).is_empty(), "{fx:?}");
    assert_eq!(panel.traffic.load, TrafficLoad::Ready);

    // A panel's week of pipeline 10 serves neither pipeline 20's panel nor the advanced page.
    let (mut ten, _) = panel_from(10, Traffic::default());
    page(&mut ten, 1, vec![lead(7, 1, 10, 100)], None);
    let (_, fx) = panel_from(10, kept(&ten));
    assert!(calls(&fx).is_empty(), "the same panel again reads nothing");
    let (_, fx) = panel_from(20, kept(&ten));
    assert_eq!(calls(&fx), first_read(7, Some(20)));
    let mut s = State::new(Mode::Advanced, Lang::En, 50, None);
    s.now = NOW;
    s.traffic = kept(&ten);
    update(&mut s, Msg::Start);
    let fx = update(
        &mut s,
        Msg::Reply(
            Job::Sources,
            Ok(Reply::Page(vec![src(1, "Chat", "chat", 10)], None)),
        ),
    );
    assert_eq!(
        calls(&fx),
        first_read(30, None),
        "the advanced page reads the month of every pipeline again"
    );
}
