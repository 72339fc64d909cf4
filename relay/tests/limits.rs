//! The accounts' pace over real HTTP: a burst waits in line and reaches Kommo within its rate,
//! and past the line calls are told to retry later.

mod common;

use common::{Env, Setup};
use relay::config::Limits;
use reqwest::Method;
use std::sync::Arc;

#[tokio::test]
async fn past_the_line_requests_get_429_with_retry_after() {
    let env = Env::start(Setup {
        limits: Limits {
            per_second: 2,
            queue_secs: 1,
        },
        // Kommo's own limit, which the relay must never reach.
        sandbox_rate: 7,
        ..Setup::default()
    })
    .await;
    env.installed().await;
    let env = Arc::new(env);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let env = env.clone();
        calls.spawn(async move { env.call(Method::GET, "/api/v4/sources", None).await });
    }
    let answers = calls.join_all().await;
    let mut passed = 0;
    let mut limited = 0;
    for a in &answers {
        if a.status == 204 {
            passed += 1;
        } else {
            a.refused(429, "rate_limited");
            assert_eq!(a.header("retry-after"), "1");
            assert_eq!(a.json()["retry_after"], 1);
            limited += 1;
        }
    }
    assert!(passed >= 2, "the line goes through: {passed}");
    assert!(
        limited >= 1,
        "the rest past the line are refused: {limited}"
    );
    assert_eq!(env.counter("GET /api/v4/sources").await, passed);
}

#[tokio::test]
async fn a_burst_of_thirty_is_queued_and_kommo_never_answers_429() {
    for db in common::db::all().await {
        let env = Env::start(Setup {
            limits: Limits::default(),
            sandbox_rate: 7,
            db: Some(db),
            ..Setup::default()
        })
        .await;
        env.installed().await;
        // The access token is due, so the burst also carries a refresh and the admin check.
        env.expire_access_token().await;
        let env = Arc::new(env);
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..30 {
            let env = env.clone();
            calls.spawn(async move { env.call(Method::GET, "/api/v4/sources", None).await });
        }
        for a in calls.join_all().await {
            assert_eq!(a.status, 204, "{} {}", env.db.kind, a.text);
        }
        assert_eq!(env.counter("GET /api/v4/sources").await, 30);
        assert_eq!(env.counter("grant refresh_token").await, 1);
    }
}

#[tokio::test]
async fn kommos_own_429_is_waited_out_before_anything_more_is_sent() {
    let env = Env::start(Setup {
        limits: Limits::default(),
        sandbox_rate: 7,
        ..Setup::default()
    })
    .await;
    env.installed().await;
    assert_eq!(
        env.call(Method::GET, "/api/v4/sources", None).await.status,
        204
    );
    env.fault(
        serde_json::json!({"method": "GET", "path": "/api/v4/sources", "status": 429,
        "headers": {"Retry-After": "2"},
        "json": {"title": "Too Many Requests", "status": 429, "retry_after": 2}}),
    )
    .await;
    let limited = env.call(Method::GET, "/api/v4/sources", None).await;
    assert_eq!(
        limited.status, 429,
        "Kommo's answer is passed back: {}",
        limited.text
    );
    assert_eq!(limited.header("retry-after"), "2");
    let after = std::time::Instant::now();
    let next = env.call(Method::GET, "/api/v4/leads/pipelines", None).await;
    assert_eq!(next.status, 200, "{}", next.text);
    assert!(
        after.elapsed() >= std::time::Duration::from_millis(1_800),
        "the next call went out {:?} after Kommo asked for 2 s",
        after.elapsed()
    );
}
