//! Fault injection, counters and reset under /__sandbox.

mod common;

use common::{config, start, TOKEN};
use reqwest::Method;
use sandbox::Config;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn canned_answers_with_status_headers_type_and_raw_bodies() {
    let sb = start(config()).await;
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"count": 2, "status": 503, "content_type": "text/html",
                     "body": "<html>upstream down</html>", "headers": {"Retry-After": "3", "X-Trace": "t1"}})),
    )
    .await;
    for _ in 0..2 {
        let a = sb.get("/api/v4/sources", TOKEN).await;
        assert_eq!(a.status, 503);
        assert_eq!(a.content_type(), "text/html");
        assert_eq!(a.text, "<html>upstream down</html>");
        assert_eq!(a.headers["retry-after"], "3");
        assert_eq!(a.headers["x-trace"], "t1");
    }
    // Used up: the real answer again.
    sb.get("/api/v4/sources", TOKEN).await.empty();

    // An empty 200 with no content type, and a JSON body.
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"status": 200})),
    )
    .await;
    let a = sb.get("/api/v4/account", TOKEN).await;
    assert_eq!(a.status, 200);
    assert!(a.text.is_empty());
    assert_eq!(a.content_type(), "");
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"status": 500, "json": {"trace_id": "abc"}})),
    )
    .await;
    let a = sb.get("/api/v4/account", TOKEN).await;
    assert_eq!(a.status, 500);
    assert_eq!(a.content_type(), "application/json");
    assert_eq!(a.json(), json!({"trace_id": "abc"}));
}

#[tokio::test]
async fn faults_filter_by_method_and_path_and_skip_auth() {
    let sb = start(config()).await;
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(
            &json!({"method": "post", "path": "/api/v4/sources", "status": 404,
                     "content_type": "text/plain", "body": "Not found"}),
        ),
    )
    .await;
    sb.get("/api/v4/sources", TOKEN).await.empty();
    sb.get("/api/v4/account", TOKEN).await.hal(200);
    // Matches before authentication, as a proxy in front of Kommo would.
    let a = sb
        .send(Method::POST, "/api/v4/sources", None, Some("[]"))
        .await;
    assert_eq!(a.status, 404);
    assert_eq!(a.text, "Not found");
    // A prefix filter.
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"path": "/api/v4/sources/*", "status": 502})),
    )
    .await;
    sb.get("/api/v4/sources", TOKEN).await.empty();
    assert_eq!(sb.get("/api/v4/sources/5", TOKEN).await.status, 502);
    // Listing and clearing rules.
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"count": 5})),
    )
    .await;
    let rules = sb
        .control(Method::GET, "/__sandbox/faults", None)
        .await
        .json();
    assert_eq!(rules["faults"][0]["count"], 5);
    sb.control(Method::DELETE, "/__sandbox/faults", None).await;
    sb.get("/api/v4/sources", TOKEN).await.empty();
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_the_server_carries_on() {
    let sb = start(config()).await;
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"drop": true, "method": "GET", "path": "/api/v4/sources"})),
    )
    .await;
    let err = sb
        .client
        .get(sb.url("/api/v4/sources"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect_err("connection closed without a response");
    assert!(!err.is_status());
    sb.get("/api/v4/sources", TOKEN).await.empty();
}

#[tokio::test]
async fn a_truncated_answer_breaks_off_mid_body_and_the_server_carries_on() {
    let sb = start(config()).await;
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"truncate": true, "status": 200, "json": {"_embedded": {"sources": []}}, "method": "GET", "path": "/api/v4/sources"})),
    )
    .await;
    let res = sb
        .client
        .get(sb.url("/api/v4/sources"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the status line and headers arrive");
    assert_eq!(res.status(), 200);
    res.text().await.expect_err("the body is cut off");
    sb.get("/api/v4/sources", TOKEN).await.empty();
}

#[tokio::test]
async fn delays_slow_matching_requests_for_a_count() {
    let sb = start(config()).await;
    sb.control(
        Method::POST,
        "/__sandbox/delay",
        Some(&json!({"ms": 800, "count": 1, "path": "/api/v4/account"})),
    )
    .await;
    let t = Instant::now();
    sb.get("/api/v4/sources", TOKEN).await.empty();
    assert!(t.elapsed() < Duration::from_millis(800));
    let t = Instant::now();
    sb.get("/api/v4/account", TOKEN).await.hal(200);
    assert!(t.elapsed() >= Duration::from_millis(800));
    let t = Instant::now();
    sb.get("/api/v4/account", TOKEN).await.hal(200);
    assert!(t.elapsed() < Duration::from_millis(800));

    // Without count: until cleared.
    sb.control(Method::POST, "/__sandbox/delay", Some(&json!({"ms": 600})))
        .await;
    for _ in 0..2 {
        let t = Instant::now();
        sb.get("/api/v4/sources", TOKEN).await.empty();
        assert!(t.elapsed() >= Duration::from_millis(600));
    }
    sb.control(Method::DELETE, "/__sandbox/delay", None).await;
    let t = Instant::now();
    sb.get("/api/v4/sources", TOKEN).await.empty();
    assert!(t.elapsed() < Duration::from_millis(600));
}

#[tokio::test]
async fn counters_count_every_api_request_including_refused_ones() {
    let sb = start(Config {
        rate_limit: 2,
        ..config()
    })
    .await;
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"status": 500})),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(sb.get("/api/v4/sources", TOKEN).await.status.as_u16());
    }
    // The fault answers first and takes no rate-limit slot; the fourth is over the limit.
    assert_eq!(statuses, [500, 204, 204, 429]);
    sb.send(Method::POST, "/api/v4/sources", None, Some("[]"))
        .await
        .problem(401);
    sb.get("/api/v4/sources/17", "nobody").await.problem(401);
    sb.send(Method::GET, "/healthz", None, None).await;
    let counters = sb
        .control(Method::GET, "/__sandbox/counters", None)
        .await
        .json();
    assert_eq!(
        counters,
        json!({"GET /api/v4/sources": 4, "POST /api/v4/sources": 1, "GET /api/v4/sources/{id}": 1})
    );
    sb.control(Method::DELETE, "/__sandbox/counters", None)
        .await;
    let counters = sb
        .control(Method::GET, "/__sandbox/counters", None)
        .await
        .json();
    assert_eq!(counters, json!({}));
}

#[tokio::test]
async fn reset_restores_initial_data_and_clears_faults_and_counters() {
    let sb = start(Config {
        empty: false,
        ..config()
    })
    .await;
    let initial = sb.get("/api/v4/sources", TOKEN).await.text;
    let list = sb.list(TOKEN).await;
    sb.delete(&format!("/api/v4/sources/{}", list[0]["id"]), TOKEN, None)
        .await
        .empty();
    sb.create(TOKEN, json!([{"name": "new", "external_id": "new"}]))
        .await;
    sb.control(
        Method::POST,
        "/__sandbox/faults",
        Some(&json!({"count": 9})),
    )
    .await;
    sb.control(Method::POST, "/__sandbox/delay", Some(&json!({"ms": 5000})))
        .await;
    let r = sb.control(Method::POST, "/__sandbox/reset", None).await;
    assert_eq!(r.status, 200);
    let t = Instant::now();
    assert_eq!(sb.get("/api/v4/sources", TOKEN).await.text, initial);
    assert!(t.elapsed() < Duration::from_secs(2));
    let counters = sb
        .control(Method::GET, "/__sandbox/counters", None)
        .await
        .json();
    assert_eq!(counters, json!({"GET /api/v4/sources": 1}));
}

#[tokio::test]
async fn bad_control_requests_are_refused() {
    let sb = start(config()).await;
    for body in [
        json!({"status": 99}),
        json!({"count": 0}),
        json!({"unknown": 1}),
        json!({"headers": {"bad header": "x"}}),
        json!({"body": "a", "json": {}}),
    ] {
        sb.control(Method::POST, "/__sandbox/faults", Some(&body))
            .await
            .problem(400);
    }
    sb.control(Method::POST, "/__sandbox/delay", Some(&json!({"ms": -1})))
        .await
        .problem(400);
    sb.control(
        Method::POST,
        "/__sandbox/delay",
        Some(&json!({"ms": 999999})),
    )
    .await
    .problem(400);
    let a = sb
        .send(Method::POST, "/__sandbox/faults", None, Some("{not json"))
        .await;
    a.problem(400);
    let rules = sb
        .control(Method::GET, "/__sandbox/faults", None)
        .await
        .json();
    assert_eq!(rules, json!({"delays": [], "faults": []}));
}
