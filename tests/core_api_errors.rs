//! How every error answer of the Sources API is read: validation errors mapped back to the
//! items, each status's case, rate limits and the messages shown.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/api.rs"]
mod support;

use kommo_sources_widget::api::{self, ApiError, FieldError};
use kommo_sources_widget::model::{NewSource, SourcePatch};
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

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
