//! Request building and response decoding of every Sources API endpoint; the error answers
//! are in `core_api_errors.rs`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/api.rs"]
mod support;

use kommo_sources_widget::api::{self, ApiError, Call, Method, Reply};
use kommo_sources_widget::http::HttpResponse;
use kommo_sources_widget::model::{NewSource, SourcePatch};
use serde_json::{json, Value};
use support::*;

/// The list example of the reference, verbatim.
const LIST_EXAMPLE: &str = r#"{
   "_total_items": 2,
   "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources" } },
   "_embedded": {
       "sources": [
           { "id": 17619939, "name": "chat", "pipeline_id": 5867030, "external_id": "kchat01",
             "services": [], "default": false, "origin_code": "kommo.ext.30470678",
             "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources/17619939" } } },
           { "id": 17619943, "name": "test_chat", "pipeline_id": 5884544, "external_id": "kchat02",
             "services": [], "default": false, "origin_code": "kommo.ext.30470678",
             "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources/17619943" } } }
       ]
   }
}"#;

/// The add example of the reference: items echo their request_id.
const ADD_EXAMPLE: &str = r#"{
    "_total_items": 2,
    "_embedded": {
        "sources": [
            { "id": 17619939, "name": "chat", "pipeline_id": 5867030, "external_id": "kchat01",
              "services": [], "default": false, "origin_code": "kommo.ext.30470678", "request_id": "0",
              "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources/17619939" } } },
            { "id": 17619943, "name": "test_chat", "pipeline_id": 5884544, "external_id": "kchat04",
              "services": [], "default": false, "origin_code": "kommo.ext.30470678", "request_id": "1",
              "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources/17619943" } } }
        ]
    }
}"#;

/// The batch update example of the reference: one `origin_code` is null.
const UPDATE_EXAMPLE: &str = r#"{
    "_total_items": 2,
    "_embedded": {
        "sources": [
            { "id": 17619939, "name": "chat", "pipeline_id": 5867030, "external_id": "kchat01",
              "services": [], "default": true, "origin_code": "kommo.ext.30470678",
              "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources/17619939" } } },
            { "id": 19352935, "name": "call", "pipeline_id": 5884544, "external_id": "gp02",
              "services": [], "default": false, "origin_code": null,
              "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources/19352935" } } }
        ]
    }
}"#;

/// The single update example of the reference.
const UPDATE_ONE_EXAMPLE: &str = r#"{
    "id": 17619939, "name": "chat", "pipeline_id": 5867030, "external_id": "kchat01",
    "services": [], "default": true, "origin_code": "kommo.ext.30470678",
    "_links": { "self": { "href": "https://subdomain.kommo.com/api/v4/sources/17619939" } }
}"#;

#[test]
fn list_request() {
    let req = list_sources();
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.path_and_query, "/api/v4/sources");
    assert_eq!(req.body, None);
}

#[test]
fn filter_by_one_external_id() {
    let req = find_sources(&["kchat01"]);
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.path_and_query,
        "/api/v4/sources?filter%5Bexternal_id%5D=kchat01"
    );
}

#[test]
fn filter_by_several_external_ids_encodes_each_value() {
    let req = find_sources(&["a&b", "c+d #e", "é"]);
    assert_eq!(
        req.path_and_query,
        "/api/v4/sources?filter%5Bexternal_id%5D%5B0%5D=a%26b\
         &filter%5Bexternal_id%5D%5B1%5D=c%2Bd%20%23e\
         &filter%5Bexternal_id%5D%5B2%5D=%C3%A9"
    );
    let (_, q) = req
        .path_and_query
        .split_once('?')
        .map(|(p, q)| (p.to_owned(), q.to_owned()))
        .unwrap();
    assert_eq!(
        server_reads(&q),
        vec![
            ("filter[external_id][0]".to_owned(), "a&b".to_owned()),
            ("filter[external_id][1]".to_owned(), "c+d #e".to_owned()),
            ("filter[external_id][2]".to_owned(), "é".to_owned()),
        ]
    );
    let none: [&str; 0] = [];
    assert_eq!(find_sources(&none).path_and_query, "/api/v4/sources");
}

#[test]
fn get_one_request() {
    let req = get_source(17619939);
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.path_and_query, "/api/v4/sources/17619939");
    assert_eq!(req.body, None);
}

#[test]
fn add_batch_request_numbers_items() {
    let mut second = NewSource::new("test_chat", "Kchat02");
    second.origin_code = Some("kommo.ext.30470678".into());
    second.pipeline_id = Some(5884544);
    let req = add_sources(&[NewSource::new("chat", "Kchat01"), second]);
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query, "/api/v4/sources");
    assert_eq!(
        body_value(&req),
        Some(json!([
            {"name": "chat", "external_id": "Kchat01", "request_id": "0"},
            {"name": "test_chat", "external_id": "Kchat02", "origin_code": "kommo.ext.30470678",
             "pipeline_id": 5884544, "request_id": "1"}
        ]))
    );
}

#[test]
fn update_batch_request_sends_only_set_fields() {
    let mut a = SourcePatch::new(17619939);
    a.default = Some(true);
    let mut b = SourcePatch::new(19352935);
    b.name = Some("call".into());
    let req = update_sources(&[a, b]);
    assert_eq!(req.method, Method::Patch);
    assert_eq!(req.path_and_query, "/api/v4/sources");
    assert_eq!(
        body_value(&req),
        Some(json!([
            {"id": 17619939, "default": true, "request_id": "0"},
            {"id": 19352935, "name": "call", "request_id": "1"}
        ]))
    );
}

#[test]
fn update_one_request_puts_the_id_in_the_path() {
    let mut p = SourcePatch::new(17619939);
    p.default = Some(true);
    let req = update_source(&p);
    assert_eq!(req.method, Method::Patch);
    assert_eq!(req.path_and_query, "/api/v4/sources/17619939");
    assert_eq!(req.body.as_deref(), Some(r#"{"default":true}"#));
}

#[test]
fn delete_requests() {
    let req = delete_sources(&[17489247, 17489251]);
    assert_eq!(req.method, Method::Delete);
    assert_eq!(req.path_and_query, "/api/v4/sources");
    assert_eq!(
        req.body.as_deref(),
        Some(r#"[{"id":17489247},{"id":17489251}]"#)
    );
    let one = delete_source(17489247);
    assert_eq!(one.method, Method::Delete);
    assert_eq!(one.path_and_query, "/api/v4/sources/17489247");
    assert_eq!(one.body, None);
}

#[test]
fn pipelines_request() {
    assert_eq!(list_pipelines().path_and_query, "/api/v4/leads/pipelines");
    assert_eq!(list_pipelines().method, Method::Get);
}

#[test]
fn only_get_and_delete_are_idempotent() {
    assert!(Method::Get.is_idempotent());
    assert!(Method::Delete.is_idempotent());
    assert!(!Method::Post.is_idempotent());
    assert!(!Method::Patch.is_idempotent());
}

#[test]
fn decodes_the_reference_examples() {
    let list = decode_sources(200, HAL, None, LIST_EXAMPLE.as_bytes()).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].external_id, "kchat02");
    assert_eq!(list[1].pipeline_id, 5884544);

    let added = decode_sources(200, HAL, None, ADD_EXAMPLE.as_bytes()).unwrap();
    let ids: Vec<_> = added.iter().map(|s| s.request_id.as_deref()).collect();
    assert_eq!(ids, [Some("0"), Some("1")]);
    assert_eq!(added[1].external_id, "kchat04");

    let updated = decode_sources(200, HAL, None, UPDATE_EXAMPLE.as_bytes()).unwrap();
    assert_eq!(updated[0].default, Some(true));
    assert_eq!(updated[1].origin_code, None);
    assert_eq!(updated[1].name, "call");

    let one = decode_source(200, HAL, None, UPDATE_ONE_EXAMPLE.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(one.id, 17619939);
    assert_eq!(one.default, Some(true));
}

#[test]
fn created_sources_map_back_by_request_id_else_external_id_never_by_position() {
    let sent = [
        NewSource::new("a", "A"),
        NewSource::new("b", "b"),
        NewSource::new("c", "c"),
        NewSource::new("d", "d"),
    ];
    let body = json!({"_embedded": {"sources": [
        // Echoed request_ids, in another order; the server lower-cased "A".
        {"id": 11, "name": "b", "external_id": "b", "request_id": "1"},
        {"id": 10, "name": "a", "external_id": "a", "request_id": "0"},
        // No request_id: found by external_id although it comes first of the rest.
        {"id": 13, "name": "d", "external_id": "d"},
        // A request_id this client did not send, for an id it did not send either.
        {"id": 99, "name": "x", "external_id": "x", "request_id": "7"}
    ]}})
    .to_string();
    let results = decode_sources(200, HAL, None, body.as_bytes()).unwrap();
    let (slots, unmatched) = api::match_created(&sent, results);
    let ids: Vec<Option<u64>> = slots.iter().map(|s| s.as_ref().map(|s| s.id)).collect();
    assert_eq!(ids, [Some(10), Some(11), None, Some(13)]);
    assert_eq!(unmatched.iter().map(|s| s.id).collect::<Vec<_>>(), [99]);

    // A request_id that points at another item's slot loses to the external_id.
    let crossed = json!({"_embedded": {"sources": [
        {"id": 20, "name": "c", "external_id": "c", "request_id": "0"}
    ]}})
    .to_string();
    let results = decode_sources(200, HAL, None, crossed.as_bytes()).unwrap();
    let (slots, _) = api::match_created(&sent, results);
    assert_eq!(slots[0], None);
    assert_eq!(slots[2].as_ref().map(|s| s.id), Some(20));

    assert_eq!(api::index_of_request_id("01"), None);
    assert_eq!(api::index_of_request_id("x"), None);
    assert_eq!(api::index_of_request_id("12"), Some(12));
}

#[test]
fn no_content_is_an_answer_in_every_place() {
    assert_eq!(decode_sources(204, None, None, b"").unwrap(), vec![]);
    assert_eq!(decode_source(204, None, None, b"").unwrap(), None);
    assert_eq!(decode_deleted(204, None, None, b""), Ok(()));
    assert_eq!(decode_pipelines(204, None, None, b"").unwrap(), vec![]);
}

#[test]
fn decodes_pipelines() {
    let body = json!({"_total_items": 2, "_embedded": {"pipelines": [
        {"id": 1, "name": "Sales", "sort": 1, "is_main": true, "is_archive": false,
         "_embedded": {"statuses": [{"id": 142, "name": "Won"}]}},
        {"id": 2, "name": "Old", "sort": 2, "is_main": false, "is_archive": true}
    ]}})
    .to_string();
    let pipelines = decode_pipelines(200, HAL, None, body.as_bytes()).unwrap();
    assert_eq!(pipelines.len(), 2);
    assert!(pipelines[0].is_main);
    assert!(pipelines[1].is_archive);
}

#[test]
fn success_without_a_usable_body_is_a_decode_error() {
    assert!(matches!(
        decode_sources(200, HAL, None, b""),
        Err(ApiError::Decode(_))
    ));
    assert!(matches!(
        decode_sources(200, Some("text/html"), None, b"<html></html>"),
        Err(ApiError::Decode(_))
    ));
    assert!(matches!(
        decode_source(200, HAL, None, b"{not json"),
        Err(ApiError::Decode(_))
    ));
    assert!(matches!(
        decode_sources(200, HAL, None, br#"{"_embedded": {"sources": {}}}"#),
        Err(ApiError::Decode(_))
    ));
    assert!(matches!(
        decode_pipelines(200, HAL, None, br#"{"_embedded": {"pipelines": 3}}"#),
        Err(ApiError::Decode(_))
    ));
}

#[test]
fn a_list_page_names_the_next_page_only_as_a_path_of_the_sources_list() {
    let page = |links: Value| {
        let body = json!({"_links": links, "_embedded": {"sources": [{"id": 1, "name": "a", "external_id": "a"}]}});
        match Call::ListSources.decode(&HttpResponse::hal(200, body.to_string())) {
            Ok(Reply::Page(s, next)) => (s.len(), next),
            other => panic!("a list call answered {other:?}"),
        }
    };
    let next = |href: &str| page(json!({"self": {"href": "x"}, "next": {"href": href}})).1;
    assert_eq!(
        next("https://acme.kommo.com/api/v4/sources?page=2&limit=50"),
        Some("/api/v4/sources?page=2&limit=50".to_owned())
    );
    assert_eq!(
        next("/api/v4/sources?page=3"),
        Some("/api/v4/sources?page=3".to_owned())
    );
    assert_eq!(
        next("http://127.0.0.1:8080/api/v4/sources?page=2#x"),
        Some("/api/v4/sources?page=2".to_owned())
    );
    // Only the sources list: never another endpoint, scheme or a path that merely starts alike.
    for other in [
        "https://acme.kommo.com/api/v4/leads?page=2",
        "/api/v4/sourcesX?page=2",
        "javascript:alert(1)",
        "//evil.example/api/v4/sources?page=2",
        "/api/v4/sources?page=2 3",
        "",
    ] {
        assert_eq!(next(other), None, "{other}");
    }
    // Links of odd shapes are no next page, and the page itself is still read.
    for links in [
        json!([]),
        json!(null),
        json!({"next": null}),
        json!({"next": {"href": 2}}),
    ] {
        assert_eq!(page(links.clone()), (1, None), "{links}");
    }
    assert_eq!(page(json!({})), (1, None));
}

#[test]
fn a_later_page_is_asked_for_at_the_path_the_server_linked() {
    let req = Call::ListPage("/api/v4/sources?page=2&limit=50".into()).request();
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.path_and_query, "/api/v4/sources?page=2&limit=50");
    assert_eq!(req.body, None);
    let empty =
        Call::ListPage("/api/v4/sources?page=9".into()).decode(&response(204, None, None, b""));
    assert_eq!(empty, Ok(Reply::Page(Vec::new(), None)));
}
