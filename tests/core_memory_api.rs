//! The client against the in-memory Sources API: whole flows, as the widget runs them.
#![cfg(not(target_arch = "wasm32"))]

use kommo_sources_widget::api::ApiError;
use kommo_sources_widget::client::Client;
use kommo_sources_widget::model::{NewSource, Page, Service, SourcePatch};
use kommo_sources_widget::transport::memory::{FakeClock, MemoryApi};
use kommo_sources_widget::transport::{HttpResponse, TransportError};
use pollster::block_on;

fn client() -> (Client<MemoryApi, FakeClock>, MemoryApi) {
    let api = MemoryApi::new();
    (Client::new(api.clone(), FakeClock::new()), api)
}

#[test]
fn create_list_find_update_delete() {
    let (c, api) = client();
    assert_eq!(block_on(c.list_sources()).unwrap(), vec![]);

    let mut chat = NewSource::new("Chat", "Kchat01");
    chat.origin_code = Some("kommo.ext.30470678".into());
    chat.default = Some(true);
    chat.services = Some(vec![Service::whatsapp(vec![Page {
        name: "Sales".into(),
        id: "sales".into(),
        link: "+5511999998888".into(),
    }])]);
    let created = block_on(c.add_sources(&[chat, NewSource::new("Call", "a&b c")])).unwrap();
    assert_eq!(created.len(), 2);
    assert_eq!(created[0].external_id, "kchat01");
    assert_eq!(created[0].request_id.as_deref(), Some("0"));
    assert_eq!(created[1].pipeline_id, 1);
    assert_eq!(created[0].services[0].pages[0].link, "+5511999998888");

    let found = block_on(c.find_sources(&["KCHAT01"])).unwrap();
    assert_eq!(found.len(), 1);
    let both = block_on(c.find_sources(&["kchat01", "a&b c"])).unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(block_on(c.find_sources(&["nope"])).unwrap(), vec![]);

    let mut rename = SourcePatch::new(created[0].id);
    rename.name = Some("Chat 2".into());
    let renamed = block_on(c.update_source(&rename)).unwrap().unwrap();
    assert_eq!(renamed.name, "Chat 2");
    assert_eq!(
        renamed.default,
        Some(true),
        "a rename keeps the default flag"
    );

    let mut move_default = SourcePatch::new(created[1].id);
    move_default.default = Some(true);
    block_on(c.update_sources(&[move_default])).unwrap();
    let defaults: Vec<_> = api.sources().iter().map(|s| s.is_default()).collect();
    assert_eq!(defaults, [false, true]);

    block_on(c.delete_source(created[0].id)).unwrap();
    assert_eq!(block_on(c.get_source(created[0].id)).unwrap(), None);
    block_on(c.delete_sources(&[created[1].id])).unwrap();
    assert_eq!(block_on(c.list_sources()).unwrap(), vec![]);
}

#[test]
fn validation_errors_come_back_per_item() {
    let (c, api) = client();
    api.insert("Old", "taken");
    let mut bad_pipeline = NewSource::new("ok", "fresh");
    bad_pipeline.pipeline_id = Some(99);
    let items = [
        NewSource::new("dup", "TAKEN"),
        bad_pipeline,
        NewSource::new("", "x"),
    ];
    let err = block_on(c.add_sources(&items)).unwrap_err();
    let ApiError::Validation { items, .. } = err else {
        panic!("expected validation errors, got {err:?}");
    };
    let by_index: Vec<(Option<usize>, Vec<&str>)> = items
        .iter()
        .map(|i| (i.index, i.errors.iter().map(|e| e.path.as_str()).collect()))
        .collect();
    assert_eq!(
        by_index,
        [
            (Some(0), vec!["external_id"]),
            (Some(1), vec!["pipeline_id"]),
            (Some(2), vec!["name"])
        ]
    );
    assert_eq!(
        api.sources().len(),
        1,
        "nothing is created when an item fails"
    );
}

#[test]
fn the_limit_and_missing_sources_are_errors() {
    let (c, api) = client();
    api.set_limit(1);
    api.insert("Only", "only");
    assert!(matches!(
        block_on(c.add_sources(&[NewSource::new("Two", "two")])),
        Err(ApiError::Validation { .. })
    ));
    assert_eq!(block_on(c.delete_source(12345)), Err(ApiError::NotFound));
    let mut p = SourcePatch::new(12345);
    p.name = Some("x".into());
    assert_eq!(block_on(c.update_source(&p)), Err(ApiError::NotFound));
    assert!(matches!(
        block_on(c.delete_sources(&[12345])),
        Err(ApiError::Validation { .. })
    ));
}

#[test]
fn faults_can_be_injected() {
    let (c, api) = client();
    api.fail_next(HttpResponse::problem(401, r#"{"title":"Unauthorized"}"#));
    assert_eq!(block_on(c.list_sources()), Err(ApiError::Unauthorized));
    api.drop_next(TransportError::Network("offline".into()));
    assert_eq!(
        block_on(c.list_pipelines()).unwrap().len(),
        2,
        "GET retried"
    );
    assert_eq!(api.requests().len(), 3);
    assert_eq!(block_on(c.get_account()).unwrap().subdomain, "sandbox");
}
