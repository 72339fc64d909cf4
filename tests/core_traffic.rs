//! Leads as Kommo answers them, and the traffic report made of them.

use kommo_sources_widget::api::{leads_page_path, Call, LeadsQuery, Reply};
use kommo_sources_widget::lead::Lead;
use kommo_sources_widget::model::Source;
use kommo_sources_widget::traffic::{ago, dedup, report, Ago, Period, DAY};
use kommo_sources_widget::transport::HttpResponse;
use serde_json::json;

const NOW: i64 = 1_800_000_000;

fn source(id: u64, ext: &str, pipeline: u64) -> Source {
    serde_json::from_value(
        json!({"id": id, "name": ext, "external_id": ext, "pipeline_id": pipeline}),
    )
    .unwrap()
}

fn lead(v: serde_json::Value) -> Lead {
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_lead_names_its_source_on_itself_or_under_embedded_with_ids_as_numbers_or_text() {
    let top = lead(
        json!({"id": 1, "pipeline_id": 10, "status_id": 100, "created_at": NOW,
        "source": {"id": 7, "name": "Chat"}, "_embedded": {"tags": []}, "unknown": [1]}),
    );
    assert_eq!(top.source.as_ref().map(|s| s.id), Some(7));
    let embedded = lead(json!({"id": "2", "pipeline_id": "10", "status_id": 100,
        "created_at": "1800000000", "_embedded": {"source": {"id": "7", "name": "Chat"}}}));
    assert_eq!((embedded.id, embedded.pipeline_id), (2, 10));
    assert_eq!(embedded.created_at, NOW);
    assert_eq!(embedded.source.as_ref().map(|s| s.id), Some(7));
    let by_code =
        lead(json!({"id": 3, "_embedded": {"source": {"external_id": "CHAT", "type": "widget"}}}));
    assert_eq!(by_code.source.unwrap().external_id.as_deref(), Some("CHAT"));
    for none in [json!(null), json!([]), json!({})] {
        assert_eq!(lead(json!({"id": 4, "source": none})).source, None);
    }
    assert!(serde_json::from_value::<Lead>(json!({"id": "four"})).is_err());
}

#[test]
fn a_lead_names_its_source_by_the_references_source_id_too() {
    // The leads reference's `with=source_id`: only the source's id, a number or text.
    let by_id = lead(
        json!({"id": 5, "pipeline_id": 10, "status_id": 100, "created_at": NOW,
        "source_id": 7}),
    );
    assert_eq!(by_id.source.as_ref().map(|s| s.id), Some(7));
    let as_text = lead(json!({"id": 6, "source_id": "7"}));
    assert_eq!(as_text.source.map(|s| s.id), Some(7));
    // Both: the object, which also names the source.
    let both = lead(json!({"id": 7, "source_id": 7, "source": {"id": 7, "name": "Chat"}}));
    assert_eq!(both.source.map(|s| s.name), Some("Chat".to_owned()));
    // A lead without a source: null, 0 or nothing.
    for none in [json!(null), json!(0)] {
        assert_eq!(lead(json!({"id": 8, "source_id": none})).source, None);
    }
}

#[test]
fn the_leads_list_is_read_with_its_next_page_and_204_is_empty() {
    let first = Call::Leads(LeadsQuery {
        from: NOW - 30 * DAY,
        pipeline: None,
    });
    let req = first.request();
    assert_eq!(
        req.path_and_query,
        "/api/v4/leads?with=source_id%2Csource&limit=250&filter%5Bcreated_at%5D%5Bfrom%5D=1797408000&order%5Bcreated_at%5D=desc"
    );
    let panel = Call::Leads(LeadsQuery {
        from: NOW - 7 * DAY,
        pipeline: Some(10),
    });
    assert_eq!(
        panel.request().path_and_query,
        "/api/v4/leads?with=source_id%2Csource&limit=250&filter%5Bcreated_at%5D%5Bfrom%5D=1799395200&filter%5Bpipeline_id%5D=10&order%5Bcreated_at%5D=desc",
        "the Digital Pipeline panel asks for its pipeline's leads only"
    );
    let answer = HttpResponse::hal(
        200,
        r#"{"_page":1,"_links":{"next":{"href":"https://evil.example/api/v4/leads?page=2&limit=250"}},
            "_embedded":{"leads":[{"id":9,"pipeline_id":10,"status_id":100,"created_at":1}]}}"#,
    );
    let Ok(Reply::Leads(leads, next)) = first.decode(&answer) else {
        panic!("a page of leads")
    };
    assert_eq!(leads.len(), 1);
    assert_eq!(
        next.as_deref(),
        Some("/api/v4/leads?page=2&limit=250"),
        "the next page is asked of our own server, never the link's host"
    );
    assert_eq!(
        first.decode(&HttpResponse::hal(204, "")),
        Ok(Reply::Leads(vec![], None))
    );
    assert_eq!(leads_page_path("/api/v4/leads/pipelines?page=2"), None);
    assert_eq!(leads_page_path("/api/v4/sources?page=2"), None);
}

#[test]
fn a_complex_create_answers_the_new_ids_as_a_bare_array_or_embedded() {
    let call = Call::CreateLeads(vec![]);
    let bare = HttpResponse::hal(
        200,
        r#"[{"id":901,"contact_id":null,"company_id":null,"request_id":["0"],"merged":false}]"#,
    );
    assert_eq!(call.decode(&bare), Ok(Reply::LeadsCreated(vec![901])));
    let hal = HttpResponse::hal(200, r#"{"_embedded":{"leads":[{"id":"902"}]}}"#);
    assert_eq!(call.decode(&hal), Ok(Reply::LeadsCreated(vec![902])));
}

#[test]
fn the_report_counts_places_flags_and_days_per_source() {
    let sources = [
        source(1, "chat", 10),
        source(2, "calls", 10),
        source(3, "quiet", 20),
    ];
    let l = |id: u64, src: serde_json::Value, pipeline: u64, status: u64, age: i64| {
        lead(
            json!({"id": id, "pipeline_id": pipeline, "status_id": status,
            "created_at": NOW - age, "source": src}),
        )
    };
    let leads = vec![
        l(1, json!({"id": 1}), 10, 100, 60),
        l(2, json!({"id": 1}), 10, 101, DAY + 1),
        l(3, json!({"id": 1}), 20, 200, 3 * DAY),
        l(4, json!({"external_id": "CALLS"}), 10, 100, 10),
        l(5, json!({"id": 99}), 10, 100, 10),
        l(6, json!(null), 10, 100, 10),
        l(7, json!({"id": 2}), 10, 100, 8 * DAY),
        // A clock a little ahead of ours: today, not tomorrow.
        l(8, json!({"id": 2}), 10, 100, -30),
    ];
    let week = report(&sources, &leads, NOW, Period::Week);
    let chat = week.of(1).unwrap();
    assert_eq!((chat.count, chat.outside), (3, 1));
    assert!(chat.wrong_pipeline());
    assert_eq!(chat.last_at, Some(NOW - 60));
    assert_eq!(chat.daily, vec![0, 0, 0, 1, 0, 1, 1]);
    assert_eq!(
        chat.latest.iter().map(|l| l.id).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let places: Vec<(u64, u64, usize)> = chat
        .places
        .iter()
        .map(|p| (p.pipeline_id, p.status_id, p.count))
        .collect();
    assert_eq!(places, vec![(10, 100, 1), (10, 101, 1), (20, 200, 1)]);
    let calls = week.of(2).unwrap();
    assert_eq!(
        calls.count, 2,
        "by external_id, case aside; lead 7 is older than a week"
    );
    assert!(!calls.wrong_pipeline());
    assert!(week.of(3).unwrap().silent());
    assert_eq!(week.others, 2, "another integration's source, and none");
    assert_eq!(week.daily.iter().sum::<u32>(), 7);

    let month = report(&sources, &leads, NOW, Period::Month);
    assert_eq!(month.of(2).unwrap().count, 3);
    assert_eq!(month.of(2).unwrap().daily.len(), 30);
}

#[test]
fn times_are_said_in_the_largest_whole_unit_and_repeats_are_dropped() {
    assert_eq!(ago(NOW, NOW - 59), Ago::Now);
    assert_eq!(ago(NOW, NOW - 61), Ago::Minutes(1));
    assert_eq!(ago(NOW, NOW - 7200), Ago::Hours(2));
    assert_eq!(ago(NOW, NOW - 3 * DAY), Ago::Days(3));
    assert_eq!(ago(NOW, NOW + 10), Ago::Now);
    let a = lead(json!({"id": 1, "name": "first"}));
    let b = lead(json!({"id": 1, "name": "again"}));
    let c = lead(json!({"id": 2}));
    let kept = dedup(vec![a.clone(), b, c.clone()]);
    assert_eq!(kept, vec![a, c]);
}
