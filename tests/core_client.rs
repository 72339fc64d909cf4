//! The client: typed calls, throttling on a fake clock, retries only where they are safe.
#![cfg(not(target_arch = "wasm32"))]

use kommo_sources_widget::api::{ApiError, Call, Method, Reply};
use kommo_sources_widget::client::{Client, Config};
use kommo_sources_widget::model::{NewSource, Pipeline, Source, SourcePatch};
use kommo_sources_widget::transport::memory::{FakeClock, ScriptedTransport};
use kommo_sources_widget::transport::{HttpResponse, TransportError};
use pollster::block_on;
use std::time::Duration;

const ONE: &str = r#"{"id":17619939,"name":"chat","pipeline_id":5867030,"external_id":"kchat01","services":[],"default":true,"origin_code":null}"#;

fn setup() -> (
    Client<ScriptedTransport, FakeClock>,
    ScriptedTransport,
    FakeClock,
) {
    let clock = FakeClock::new();
    let transport = ScriptedTransport::with_clock(clock.clone());
    let client = Client::new(transport.clone(), clock.clone());
    (client, transport, clock)
}

fn list_of(n: usize) -> HttpResponse {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id":{i},"name":"s{i}","external_id":"e{i}","request_id":"{i}"}}"#))
        .collect();
    HttpResponse::hal(
        200,
        format!(r#"{{"_embedded":{{"sources":[{}]}}}}"#, items.join(",")),
    )
}

/// The sources of a reply that carries them.
fn sources(reply: Result<Reply, ApiError>) -> Vec<Source> {
    match reply {
        Ok(Reply::Sources(s) | Reply::Page(s, None)) => s,
        other => panic!("expected sources, got {other:?}"),
    }
}

/// The one source of a reply that carries one.
fn one(reply: Result<Reply, ApiError>) -> Option<Source> {
    match reply {
        Ok(Reply::One(s)) => s,
        other => panic!("expected one source, got {other:?}"),
    }
}

/// The pipelines of a reply that carries them.
fn pipelines(reply: Result<Reply, ApiError>) -> Vec<Pipeline> {
    match reply {
        Ok(Reply::Pipelines(p)) => p,
        other => panic!("expected pipelines, got {other:?}"),
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn each_call_sends_its_request_and_decodes_the_answer() {
    let (client, t, _) = setup();
    t.push_response(list_of(2))
        .push_response(list_of(1))
        .push_response(HttpResponse::hal(200, ONE))
        .push_response(list_of(2))
        .push_response(list_of(1))
        .push_response(HttpResponse::hal(200, ONE))
        .push_response(HttpResponse::empty(204))
        .push_response(HttpResponse::empty(204))
        .push_response(HttpResponse::hal(
            200,
            r#"{"_embedded":{"pipelines":[{"id":5867030,"name":"Sales","is_main":true,"is_archive":false,"sort":1}]}}"#,
        ))
;

    assert_eq!(sources(block_on(client.call(&Call::ListSources))).len(), 2);
    assert_eq!(
        sources(block_on(
            client.call(&Call::Find(vec!["a b".into(), "c".into()]))
        ))
        .len(),
        1
    );
    assert_eq!(
        one(block_on(client.call(&Call::GetOne(17619939))))
            .unwrap()
            .default,
        Some(true)
    );
    let added = sources(block_on(client.call(&Call::Create(vec![
        NewSource::new("a", "a"),
        NewSource::new("b", "b"),
    ]))));
    assert_eq!(added[1].request_id.as_deref(), Some("1"));
    let mut patch = SourcePatch::new(0);
    patch.name = Some("renamed".into());
    assert_eq!(
        sources(block_on(client.call(&Call::Update(vec![patch.clone()])))).len(),
        1
    );
    assert!(one(block_on(client.call(&Call::UpdateOne(patch.clone())))).is_some());
    block_on(client.call(&Call::Delete(vec![1, 2]))).unwrap();
    block_on(client.call(&Call::DeleteOne(3))).unwrap();
    assert!(pipelines(block_on(client.call(&Call::ListPipelines)))[0].is_main);

    let sent: Vec<(Method, String, Option<String>)> = t
        .requests()
        .into_iter()
        .map(|r| (r.request.method, r.request.path_and_query, r.request.body))
        .collect();
    let expected = [
        (Method::Get, "/api/v4/sources", None),
        (
            Method::Get,
            "/api/v4/sources?filter%5Bexternal_id%5D%5B0%5D=a%20b&filter%5Bexternal_id%5D%5B1%5D=c",
            None,
        ),
        (Method::Get, "/api/v4/sources/17619939", None),
        (
            Method::Post,
            "/api/v4/sources",
            Some(
                r#"[{"external_id":"a","name":"a","request_id":"0"},{"external_id":"b","name":"b","request_id":"1"}]"#,
            ),
        ),
        (
            Method::Patch,
            "/api/v4/sources",
            Some(r#"[{"id":0,"name":"renamed","request_id":"0"}]"#),
        ),
        (
            Method::Patch,
            "/api/v4/sources/0",
            Some(r#"{"name":"renamed"}"#),
        ),
        (
            Method::Delete,
            "/api/v4/sources",
            Some(r#"[{"id":1},{"id":2}]"#),
        ),
        (Method::Delete, "/api/v4/sources/3", None),
        (Method::Get, "/api/v4/leads/pipelines", None),
    ];
    assert_eq!(sent.len(), expected.len());
    for (got, want) in sent.iter().zip(expected) {
        assert_eq!(got.0, want.0);
        assert_eq!(got.1, want.1);
        // Bodies compare as JSON: key order is the serializer's business.
        let json =
            |b: Option<&str>| b.map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap());
        assert_eq!(json(got.2.as_deref()), json(want.2));
    }
}

#[test]
fn throttles_to_seven_requests_per_second() {
    let (client, t, _) = setup();
    for _ in 0..15 {
        t.push_response(HttpResponse::empty(204));
    }
    for _ in 0..15 {
        block_on(client.call(&Call::ListSources)).unwrap();
    }
    let times: Vec<Duration> = t.requests().iter().map(|r| r.at).collect();
    let mut expected = vec![Duration::ZERO; 7];
    expected.extend([Duration::from_secs(1); 7]);
    expected.push(Duration::from_secs(2));
    assert_eq!(times, expected);
    for (i, start) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .filter(|&&t| t < *start + Duration::from_secs(1))
            .count();
        assert!(
            in_window <= 7,
            "{in_window} requests within a second of {start:?}"
        );
    }
}

#[test]
fn requests_spread_over_time_are_not_delayed() {
    let (client, t, clock) = setup();
    for _ in 0..10 {
        t.push_response(HttpResponse::empty(204));
    }
    for _ in 0..10 {
        block_on(client.call(&Call::ListSources)).unwrap();
        clock.advance(ms(200));
    }
    assert!(clock.sleeps().is_empty());
    let times: Vec<u128> = t.requests().iter().map(|r| r.at.as_millis()).collect();
    assert_eq!(times, (0..10).map(|i| i * 200).collect::<Vec<_>>());
}

#[test]
fn the_rate_is_configurable() {
    let clock = FakeClock::new();
    let t = ScriptedTransport::with_clock(clock.clone());
    let config = Config {
        max_per_second: 2,
        ..Config::default()
    };
    let client = Client::with_config(t.clone(), clock, config);
    for _ in 0..5 {
        t.push_response(HttpResponse::empty(204));
        block_on(client.call(&Call::ListSources)).unwrap();
    }
    let times: Vec<u64> = t.requests().iter().map(|r| r.at.as_secs()).collect();
    assert_eq!(times, [0, 0, 1, 1, 2]);
}

#[test]
fn get_is_retried_on_server_errors_with_growing_backoff() {
    let (client, t, clock) = setup();
    t.push_response(HttpResponse::problem(503, "{}"))
        .push_response(HttpResponse::problem(500, r#"{"trace_id":"x"}"#))
        .push_response(list_of(1));
    assert_eq!(sources(block_on(client.call(&Call::ListSources))).len(), 1);
    assert_eq!(t.requests().len(), 3);
    assert_eq!(clock.sleeps(), [ms(500), ms(1000)]);
}

#[test]
fn get_gives_up_after_max_attempts() {
    let (client, t, _) = setup();
    for _ in 0..5 {
        t.push_response(HttpResponse::problem(502, r#"{"trace_id":"abc"}"#));
    }
    let err = block_on(client.call(&Call::GetOne(1))).unwrap_err();
    assert_eq!(
        err,
        ApiError::Server {
            status: 502,
            trace_id: Some("abc".into()),
            detail: None
        }
    );
    assert_eq!(t.requests().len(), 3);
    assert_eq!(t.remaining(), 2);
}

#[test]
fn max_attempts_is_configurable() {
    let clock = FakeClock::new();
    let t = ScriptedTransport::new();
    let config = Config {
        max_attempts: 5,
        ..Config::default()
    };
    let client = Client::with_config(t.clone(), clock.clone(), config);
    for _ in 0..5 {
        t.push_error(TransportError::Timeout);
    }
    assert_eq!(
        block_on(client.call(&Call::ListPipelines)),
        Err(ApiError::Timeout)
    );
    assert_eq!(t.requests().len(), 5);
    assert_eq!(clock.sleeps(), [ms(500), ms(1000), ms(2000), ms(4000)]);
}

#[test]
fn delete_is_retried_on_network_failure() {
    let (client, t, _) = setup();
    t.push_error(TransportError::Network("offline".into()))
        .push_response(HttpResponse::empty(204));
    block_on(client.call(&Call::Delete(vec![5]))).unwrap();
    assert_eq!(t.requests().len(), 2);
    assert_eq!(
        t.requests()[1].request.body.as_deref(),
        Some(r#"[{"id":5}]"#)
    );
}

#[test]
fn post_and_patch_are_never_retried() {
    let (client, t, clock) = setup();
    t.push_response(HttpResponse::problem(503, "{}"))
        .push_error(TransportError::Network("reset".into()))
        .push_response(HttpResponse::problem(429, "{}").with_retry_after("1"))
        .push_error(TransportError::Timeout);
    assert!(matches!(
        block_on(client.call(&Call::Create(vec![NewSource::new("a", "a")]))),
        Err(ApiError::Server { status: 503, .. })
    ));
    assert_eq!(
        block_on(client.call(&Call::Update(vec![SourcePatch::new(1)]))),
        Err(ApiError::Network("reset".into()))
    );
    assert_eq!(
        block_on(client.call(&Call::UpdateOne(SourcePatch::new(1)))),
        Err(ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        })
    );
    assert_eq!(
        block_on(client.call(&Call::Create(vec![NewSource::new("b", "b")]))),
        Err(ApiError::Timeout)
    );
    assert_eq!(t.requests().len(), 4);
    assert!(clock.sleeps().is_empty());
}

#[test]
fn rate_limit_waits_as_long_as_the_server_asks() {
    let (client, t, clock) = setup();
    t.push_response(HttpResponse::problem(429, "{}").with_retry_after("2"))
        .push_response(HttpResponse::problem(429, r#"{"retry_after": 3}"#))
        .push_response(list_of(0));
    assert_eq!(sources(block_on(client.call(&Call::ListSources))), vec![]);
    let times: Vec<Duration> = t.requests().iter().map(|r| r.at).collect();
    assert_eq!(times, [Duration::ZERO, ms(2000), ms(5000)]);
    assert_eq!(clock.sleeps(), [ms(2000), ms(3000)]);
}

#[test]
fn a_wait_longer_than_the_cap_is_returned_not_slept() {
    let (client, t, clock) = setup();
    t.push_response(HttpResponse::problem(429, "{}").with_retry_after("120"));
    assert_eq!(
        block_on(client.call(&Call::ListSources)),
        Err(ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(120))
        })
    );
    assert_eq!(t.requests().len(), 1);
    assert!(clock.sleeps().is_empty());
}

#[test]
fn empty_batches_send_nothing() {
    let (client, t, _) = setup();
    assert_eq!(
        block_on(client.call(&Call::Create(vec![]))),
        Ok(Reply::Sources(vec![]))
    );
    assert_eq!(
        block_on(client.call(&Call::Update(vec![]))),
        Ok(Reply::Sources(vec![]))
    );
    assert_eq!(
        block_on(client.call(&Call::Delete(vec![]))),
        Ok(Reply::Deleted)
    );
    assert!(t.requests().is_empty());
}

#[test]
fn client_errors_are_not_retried() {
    let (client, t, _) = setup();
    t.push_response(HttpResponse::problem(401, r#"{"title":"Unauthorized"}"#))
        .push_response(HttpResponse::new(404, "text/plain", "Not Found"));
    assert_eq!(
        block_on(client.call(&Call::ListSources)),
        Err(ApiError::Unauthorized)
    );
    assert_eq!(
        block_on(client.call(&Call::DeleteOne(9))),
        Err(ApiError::NotFound)
    );
    assert_eq!(t.requests().len(), 2);
}

#[test]
fn shared_and_borrowed_transports_work_too() {
    let t = ScriptedTransport::new();
    let clock = FakeClock::new();
    t.push_response(HttpResponse::empty(204));
    let by_ref = Client::new(&t, &clock);
    assert_eq!(
        block_on(by_ref.call(&Call::ListSources)),
        Ok(Reply::Page(vec![], None))
    );
    let shared: std::rc::Rc<dyn kommo_sources_widget::transport::Transport> =
        std::rc::Rc::new(t.clone());
    t.push_response(HttpResponse::empty(204));
    let by_rc = Client::new(shared, std::rc::Rc::new(clock));
    assert_eq!(block_on(by_rc.call(&Call::GetOne(1))), Ok(Reply::One(None)));
    assert_eq!(t.requests().len(), 2);
}
