//! Every call the widget makes is one the relay forwards: checked against the relay's own
//! route table, so that a new call cannot ship that the relay would answer with 404. The
//! history read is the relay's own route, answered by the relay itself.
#![cfg(not(target_arch = "wasm32"))]

use kommo_sources_widget::api::{self, Call, HistoryQuery, LeadsQuery};
use kommo_sources_widget::lead::ComplexLead;
use kommo_sources_widget::model::{NewSource, SourcePatch};

/// Each kind of call, built with sample arguments: batches of one and of several, and the
/// next pages as the decoders read them out of the links Kommo gives.
fn samples() -> Vec<Call> {
    let source = NewSource {
        name: "Web form".into(),
        external_id: "web-1".into(),
        ..NewSource::default()
    };
    let patch = SourcePatch {
        id: 17,
        name: Some("Renamed".into()),
        ..SourcePatch::default()
    };
    let next_sources = api::page_path("https://acme.kommo.com/api/v4/sources?page=2&limit=50")
        .expect("a sources page link");
    let next_leads = api::leads_page_path("https://acme.kommo.com/api/v4/leads?page=2&with=source")
        .expect("a leads page link");
    vec![
        Call::ListSources,
        Call::ListPage(next_sources),
        Call::ListPipelines,
        Call::Find(vec!["web-1".into()]),
        Call::Find(vec!["web-1".into(), "web-2".into()]),
        Call::GetOne(17),
        Call::GetOne(u64::MAX),
        Call::Create(vec![source.clone(), source]),
        Call::UpdateOne(patch.clone()),
        Call::Update(vec![patch]),
        Call::DeleteOne(17),
        Call::Delete(vec![17, 18]),
        Call::Leads(LeadsQuery {
            from: 1_700_000_000,
            pipeline: Some(3),
        }),
        Call::LeadsPage(next_leads),
        Call::GetLead(901),
        Call::CreateLeads(vec![ComplexLead::from_source("Test lead", "web-1")]),
        Call::History(HistoryQuery {
            source_id: Some(17),
            user_id: Some(3),
            cursor: Some("next".into()),
        }),
    ]
}

/// How many arms `kind` has: one per variant of `Call`.
const KINDS: usize = 15;

/// Names every variant, so that a new kind of call does not compile until it is named here,
/// and the test then fails until it has a sample.
fn kind(call: &Call) -> &'static str {
    match call {
        Call::ListSources => "ListSources",
        Call::ListPage(_) => "ListPage",
        Call::ListPipelines => "ListPipelines",
        Call::Find(_) => "Find",
        Call::GetOne(_) => "GetOne",
        Call::Create(_) => "Create",
        Call::UpdateOne(_) => "UpdateOne",
        Call::Update(_) => "Update",
        Call::DeleteOne(_) => "DeleteOne",
        Call::Delete(_) => "Delete",
        Call::Leads(_) => "Leads",
        Call::LeadsPage(_) => "LeadsPage",
        Call::GetLead(_) => "GetLead",
        Call::CreateLeads(_) => "CreateLeads",
        Call::History(_) => "History",
    }
}

#[test]
fn every_call_the_widget_makes_is_a_route_the_relay_forwards() {
    let samples = samples();
    for call in &samples {
        let request = call.request();
        // The relay matches the path alone; the query goes to Kommo as it came.
        let path = request
            .path_and_query
            .split_once('?')
            .map_or(request.path_and_query.as_str(), |(path, _)| path);
        let own = request.method.as_str() == "GET" && path == relay_contract::HISTORY_PATH;
        assert!(
            own || relay_contract::forwarded(request.method.as_str(), path),
            "{} sends {} {}, which the relay does not forward",
            kind(call),
            request.method.as_str(),
            request.path_and_query
        );
    }
    let mut kinds: Vec<&str> = samples.iter().map(kind).collect();
    kinds.dedup();
    assert_eq!(kinds.len(), KINDS, "a sample of every kind: {kinds:?}");
}
