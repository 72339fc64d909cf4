//! Request building and response decoding of every Sources API endpoint.
#![cfg(not(target_arch = "wasm32"))]

use kommo_sources_widget::api::{self, ApiError, Call, FieldError, Method, Reply};
use kommo_sources_widget::http::{HttpRequest, HttpResponse};
use kommo_sources_widget::model::{NewSource, Pipeline, Source, SourcePatch};
use serde_json::{json, Value};
use std::time::Duration;

/// The answer as the transport hands it over.
fn response(status: u16, ct: Option<&str>, retry_after: Option<&str>, body: &[u8]) -> HttpResponse {
    HttpResponse {
        status,
        content_type: ct.map(str::to_owned),
        retry_after: retry_after.map(str::to_owned),
        body: body.to_vec(),
    }
}

/// The key/value pairs of a query string as the server reads them: the sandbox's reader,
/// Kommo's stand-in, which the browser tests send these requests to.
fn server_reads(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| sandbox::request::decode_pair(p).expect("a well-formed pair"))
        .collect()
}

/// An answer read as a list of sources (list, find, create and batch update answer so).
fn decode_sources(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<Vec<Source>, ApiError> {
    match Call::ListSources.decode(&response(st, ct, ra, body))? {
        Reply::Page(s, None) => Ok(s),
        other => panic!("a list call answered {other:?}"),
    }
}

/// An answer read as one source (`GET /sources/{id}`).
fn decode_source(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<Option<Source>, ApiError> {
    match Call::GetOne(1).decode(&response(st, ct, ra, body))? {
        Reply::One(s) => Ok(s),
        other => panic!("a get call answered {other:?}"),
    }
}

/// An answer read as a delete's.
fn decode_deleted(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<(), ApiError> {
    match Call::Delete(vec![1]).decode(&response(st, ct, ra, body))? {
        Reply::Deleted => Ok(()),
        other => panic!("a delete call answered {other:?}"),
    }
}

/// An answer read as the pipelines.
fn decode_pipelines(
    st: u16,
    ct: Option<&str>,
    ra: Option<&str>,
    body: &[u8],
) -> Result<Vec<Pipeline>, ApiError> {
    match Call::ListPipelines.decode(&response(st, ct, ra, body))? {
        Reply::Pipelines(p) => Ok(p),
        other => panic!("a pipelines call answered {other:?}"),
    }
}

fn list_sources() -> HttpRequest {
    Call::ListSources.request()
}
fn find_sources<S: AsRef<str>>(ids: &[S]) -> HttpRequest {
    Call::Find(ids.iter().map(|s| s.as_ref().to_owned()).collect()).request()
}
fn get_source(id: u64) -> HttpRequest {
    Call::GetOne(id).request()
}
fn add_sources(items: &[NewSource]) -> HttpRequest {
    Call::Create(items.to_vec()).request()
}
fn update_sources(items: &[SourcePatch]) -> HttpRequest {
    Call::Update(items.to_vec()).request()
}
fn update_source(patch: &SourcePatch) -> HttpRequest {
    Call::UpdateOne(patch.clone()).request()
}
fn delete_sources(ids: &[u64]) -> HttpRequest {
    Call::Delete(ids.to_vec()).request()
}
fn delete_source(id: u64) -> HttpRequest {
    Call::DeleteOne(id).request()
}
fn list_pipelines() -> HttpRequest {
    Call::ListPipelines.request()
}

/// The request's body text read back as JSON, to compare with a `json!` value.
fn body_value(req: &HttpRequest) -> Option<Value> {
    req.body
        .as_deref()
        .map(|b| serde_json::from_str(b).expect("the body is valid JSON"))
}

const HAL: Option<&str> = Some("application/hal+json");
const PROBLEM: Option<&str> = Some("application/problem+json; charset=utf-8");

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
fn validation_errors_map_back_to_items() {
    let body = json!({
        "title": "Bad Request", "type": "https://httpstatus.es/400", "status": 400,
        "detail": "Request validation failed",
        "validation-errors": [
            {"request_id": "1", "errors": [
                {"code": "NotSupportedChoice", "path": "pipeline_id", "detail": "unknown pipeline"},
                {"code": "InvalidType", "path": "name", "detail": "must be a string"}
            ]},
            {"request_id": "0", "errors": [{"code": "FieldMissing", "path": "external_id", "detail": "required"}]}
        ]
    })
    .to_string();
    let err = decode_sources(400, PROBLEM, None, body.as_bytes()).unwrap_err();
    let ApiError::Validation { problem, items } = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    assert_eq!(problem.title.as_deref(), Some("Bad Request"));
    assert_eq!(problem.kind.as_deref(), Some("https://httpstatus.es/400"));
    assert_eq!(problem.status, Some(400));
    assert_eq!(problem.detail.as_deref(), Some("Request validation failed"));
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].index, Some(1));
    assert_eq!(items[0].request_id.as_deref(), Some("1"));
    assert_eq!(
        items[0].errors,
        vec![
            FieldError {
                code: "NotSupportedChoice".into(),
                path: "pipeline_id".into(),
                detail: "unknown pipeline".into()
            },
            FieldError {
                code: "InvalidType".into(),
                path: "name".into(),
                detail: "must be a string".into()
            }
        ]
    );
    assert_eq!(items[1].index, Some(0));
    assert_eq!(items[1].errors[0].code, "FieldMissing");
    assert!(err.to_string().contains("Request validation failed"));
}

#[test]
fn a_bad_request_without_validation_errors_keeps_its_detail() {
    let err = decode_sources(
        400,
        Some("application/problem+json"),
        None,
        br#"{"detail":"Request data can not be empty"}"#,
    )
    .unwrap_err();
    match err {
        ApiError::Validation { problem, items } => {
            assert_eq!(
                problem.detail.as_deref(),
                Some("Request data can not be empty")
            );
            assert_eq!(problem.status, Some(400));
            assert!(items.is_empty());
        }
        other => panic!("expected validation, got {other:?}"),
    }
}

#[test]
fn each_error_status_has_its_case() {
    let unauthorized = br#"{"title":"Unauthorized","type":"https://httpstatus.es/401","status":401,"detail":"Unauthorized"}"#;
    assert_eq!(
        decode_sources(401, PROBLEM, None, unauthorized),
        Err(ApiError::Unauthorized)
    );
    assert_eq!(
        decode_sources(402, PROBLEM, None, b"{}"),
        Err(ApiError::PaymentRequired)
    );
    assert_eq!(
        decode_sources(403, None, None, b""),
        Err(ApiError::Forbidden)
    );
    assert_eq!(
        decode_source(404, Some("text/plain"), None, b"Not Found"),
        Err(ApiError::NotFound)
    );
    assert_eq!(
        decode_deleted(404, None, None, b""),
        Err(ApiError::NotFound)
    );
    assert_eq!(
        decode_sources(409, Some("text/plain"), None, b"conflict here"),
        Err(ApiError::Http {
            status: 409,
            detail: Some("conflict here".into())
        })
    );
    assert_eq!(
        decode_pipelines(
            500,
            PROBLEM,
            None,
            br#"{"title":"Internal Server Error","trace_id":"abc123"}"#
        ),
        Err(ApiError::Server {
            status: 500,
            trace_id: Some("abc123".into()),
            detail: None
        })
    );
    assert_eq!(
        decode_pipelines(503, Some("text/html"), None, b"<html>down</html>"),
        Err(ApiError::Server {
            status: 503,
            trace_id: None,
            detail: None
        })
    );
}

#[test]
fn rate_limit_reads_the_wait_from_header_or_body() {
    assert_eq!(
        decode_sources(429, None, Some("2"), b""),
        Err(ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(2))
        })
    );
    assert_eq!(
        decode_sources(429, PROBLEM, None, br#"{"retry_after": 1.5}"#),
        Err(ApiError::RateLimited {
            retry_after: Some(Duration::from_millis(1500))
        })
    );
    assert_eq!(
        decode_sources(429, None, Some("Wed, 21 Oct 2015 07:28:00 GMT"), b""),
        Err(ApiError::RateLimited { retry_after: None })
    );
}

#[test]
fn messages_are_readable() {
    let cases = [
        (ApiError::Unauthorized, "not authorized"),
        (ApiError::NotFound, "not found"),
        (
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(3)),
            },
            "retry in 3 s",
        ),
        (
            ApiError::Server {
                status: 502,
                trace_id: Some("t1".into()),
                detail: None,
            },
            "server error 502 (trace id t1)",
        ),
        (ApiError::Timeout, "did not answer in time"),
    ];
    for (err, text) in cases {
        assert!(err.to_string().contains(text), "{err} lacks {text}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn filter_encoding_round_trips(ids in proptest::collection::vec(any::<String>(), 1..5)) {
            let req = find_sources(&ids);
            let pq = req.path_and_query;
            let (path, q) = pq.split_once('?').expect("a query");
            prop_assert_eq!(path, "/api/v4/sources");
            prop_assert!(q.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%=&".contains(&b)));
            let decoded = server_reads(q);
            let values: Vec<String> = decoded.iter().map(|(_, v)| v.clone()).collect();
            prop_assert_eq!(values, ids.clone());
            let keys: Vec<String> = decoded.iter().map(|(k, _)| k.clone()).collect();
            let want: Vec<String> = match ids.len() {
                1 => vec!["filter[external_id]".to_owned()],
                n => (0..n).map(|i| format!("filter[external_id][{}]", i)).collect(),
            };
            prop_assert_eq!(keys, want);
        }

        #[test]
        fn decoding_bytes_never_panics(
            status in prop_oneof![Just(200u16), Just(204), Just(400), Just(429), Just(500), 100u16..600],
            ct in proptest::option::of(prop_oneof![
                Just("application/hal+json".to_owned()),
                Just("application/problem+json; charset=utf-8".to_owned()),
                Just("text/plain".to_owned()),
                ".{0,20}",
            ]),
            retry in proptest::option::of(".{0,8}"),
            body in proptest::collection::vec(any::<u8>(), 0..256),
        ) {
            let (ct, retry) = (ct.as_deref(), retry.as_deref());
            let _ = decode_sources(status, ct, retry, &body);
            let _ = decode_source(status, ct, retry, &body);
            let _ = decode_deleted(status, ct, retry, &body);
            let _ = decode_pipelines(status, ct, retry, &body);
        }

        #[test]
        fn decoding_json_never_panics(status in 100u16..600, value in json_value()) {
            let body = value.to_string();
            let ct = Some("application/problem+json");
            let _ = decode_sources(status, ct, None, body.as_bytes());
            let _ = decode_source(status, ct, None, body.as_bytes());
            let _ = decode_pipelines(status, ct, None, body.as_bytes());
            let _ = api::decode_error(&response(status, ct, None, body.as_bytes()));
        }
    }

    /// Any value a text field may hold, ids and names with JSON's special characters too.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![".{0,12}", "[a-z\"\\\\/ ]{0,6}"]
    }

    /// A patch with any subset of its fields set.
    fn patch() -> impl Strategy<Value = SourcePatch> {
        (
            1u64..u64::MAX,
            proptest::option::of(text()),
            proptest::option::of(1u64..1_000_000),
            proptest::option::of(any::<bool>()),
            proptest::option::of(text()),
        )
            .prop_map(
                |(id, name, pipeline_id, default, origin_code)| SourcePatch {
                    id,
                    name,
                    pipeline_id,
                    default,
                    origin_code,
                    services: None,
                },
            )
    }

    /// The JSON keys a patch sets.
    fn set_keys(p: &SourcePatch) -> Vec<&'static str> {
        let mut keys = Vec::new();
        for (key, set) in [
            ("default", p.default.is_some()),
            ("name", p.name.is_some()),
            ("origin_code", p.origin_code.is_some()),
            ("pipeline_id", p.pipeline_id.is_some()),
        ] {
            if set {
                keys.push(key);
            }
        }
        keys
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn a_single_update_sends_exactly_the_fields_it_sets(p in patch()) {
            let body: Value = serde_json::from_str(&update_source(&p).body.unwrap()).unwrap();
            let obj = body.as_object().expect("an object");
            let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            keys.sort_unstable();
            prop_assert_eq!(keys, set_keys(&p));
            if let Some(name) = &p.name {
                prop_assert_eq!(obj["name"].as_str(), Some(name.as_str()));
            }
        }

        #[test]
        fn a_batch_update_adds_only_id_and_request_id(ps in proptest::collection::vec(patch(), 1..5)) {
            let body: Value = serde_json::from_str(&update_sources(&ps).body.unwrap()).unwrap();
            let items = body.as_array().expect("an array");
            prop_assert_eq!(items.len(), ps.len());
            for (i, (item, p)) in items.iter().zip(&ps).enumerate() {
                let mut want = set_keys(p);
                want.extend(["id", "request_id"]);
                want.sort_unstable();
                let mut keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
                keys.sort_unstable();
                prop_assert_eq!(keys, want);
                prop_assert_eq!(item["id"].as_u64(), Some(p.id));
                let rid = i.to_string();
                prop_assert_eq!(item["request_id"].as_str(), Some(rid.as_str()));
            }
        }

        #[test]
        fn a_create_sends_what_it_was_given(name in text(), ext in text(), origin in proptest::option::of(text())) {
            let mut n = NewSource::new(&name, &ext);
            n.origin_code = origin.clone();
            let body: Value = serde_json::from_str(&add_sources(&[n]).body.unwrap()).unwrap();
            prop_assert_eq!(body[0]["name"].as_str(), Some(name.as_str()));
            prop_assert_eq!(body[0]["external_id"].as_str(), Some(ext.as_str()));
            prop_assert_eq!(body[0]["origin_code"].as_str(), origin.as_deref());
            prop_assert_eq!(body[0].get("default"), None);
        }
    }

    /// Arbitrary JSON, biased towards the keys the decoder looks at.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let key = prop_oneof![
            Just("_embedded".to_owned()),
            Just("sources".to_owned()),
            Just("pipelines".to_owned()),
            Just("id".to_owned()),
            Just("services".to_owned()),
            Just("params".to_owned()),
            Just("validation-errors".to_owned()),
            Just("errors".to_owned()),
            Just("request_id".to_owned()),
            Just("retry_after".to_owned()),
            Just("status".to_owned()),
            "[a-z_]{1,8}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,10}".prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(key.clone(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
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
