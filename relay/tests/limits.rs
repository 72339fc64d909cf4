//! Load over real HTTP: each account is kept under Kommo's rate, briefly queued, then told
//! to retry later.

mod common;

use common::{Env, Setup};
use relay::config::Limits;
use reqwest::Method;
use std::sync::Arc;

#[tokio::test]
async fn past_a_short_queue_requests_get_429_with_retry_after() {
    let env = Env::start(Setup {
        limits: Limits {
            per_second: 2,
            queue: 1,
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
    assert!(passed >= 2, "the burst goes through: {passed}");
    assert!(
        limited >= 1,
        "the rest past the queue are refused: {limited}"
    );
    assert_eq!(env.counter("GET /api/v4/sources").await, passed);
}
