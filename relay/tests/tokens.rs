//! The account's tokens over real HTTP: refreshed before expiry and on a 401, one refresh
//! for many requests at once, and a refused refresh that says to install again.

mod common;

use common::{Env, Setup};
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn twenty_requests_across_an_expiry_make_exactly_one_refresh() {
    for db in common::db::all().await {
        let env = Env::installed_on(db).await;
        let before = env.installation().await.unwrap();
        env.expire_access_token().await;
        let env = Arc::new(env);
        let mut calls = tokio::task::JoinSet::new();
        for i in 0..20 {
            let env = env.clone();
            let path = if i % 2 == 0 {
                "/api/v4/sources"
            } else {
                "/api/v4/leads/pipelines"
            };
            calls.spawn(async move { env.call(Method::GET, path, None).await });
        }
        let answers = calls.join_all().await;
        for a in &answers {
            assert!(a.status.is_success(), "{} {}", a.status, a.text);
        }
        assert_eq!(
            env.counter("grant refresh_token").await,
            1,
            "{}",
            env.db.kind
        );
        // The rotated pair is the stored one, and it works.
        let after = env.installation().await.unwrap();
        assert_ne!(after.pair.refresh.expose(), before.pair.refresh.expose());
        assert!(after.pair.expires_at > common::now());
        assert_eq!(
            env.call(Method::GET, "/api/v4/sources", None).await.status,
            204
        );
        assert_eq!(env.counter("grant refresh_token").await, 1);
    }
}

#[tokio::test]
async fn a_401_from_kommo_refreshes_once_and_the_request_goes_through() {
    let env = Env::start(Setup::default()).await;
    env.installed().await;
    env.fault(
        json!({"method": "GET", "path": "/api/v4/sources", "status": 401,
        "json": {"title": "Unauthorized", "status": 401, "detail": "token revoked"}}),
    )
    .await;
    let a = env.call(Method::GET, "/api/v4/sources", None).await;
    assert_eq!(a.status, 204, "{}", a.text);
    assert_eq!(env.counter("grant refresh_token").await, 1);
    assert_eq!(env.counter("GET /api/v4/sources").await, 2);
    // A second 401 after the refresh is Kommo's answer, passed back; no refresh loop.
    env.fault(
        json!({"count": 2, "method": "GET", "path": "/api/v4/sources", "status": 401,
        "json": {"title": "Unauthorized", "status": 401, "detail": "still no"}}),
    )
    .await;
    let a = env.call(Method::GET, "/api/v4/sources", None).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["detail"], "still no");
    assert_eq!(env.counter("grant refresh_token").await, 2);
}

#[tokio::test]
async fn a_refused_refresh_disconnects_the_account_and_says_to_install_again() {
    for db in common::db::all().await {
        let env = Env::installed_on(db).await;
        // The account disabled the integration: Kommo revokes every token.
        env.sandbox_control(Method::POST, "/__sandbox/uninstall")
            .await;
        let a = env.call(Method::GET, "/api/v4/sources", None).await;
        let v = a.refused(403, "not_connected");
        assert!(
            v["detail"]
                .as_str()
                .unwrap()
                .contains("install the integration again"),
            "{v}"
        );
        assert_eq!(env.counter("grant refresh_token").await, 1);
        let inst = env.installation().await.unwrap();
        assert!(!inst.connected);
        // Later calls are refused at once, without asking Kommo again.
        env.call(Method::GET, "/api/v4/leads/pipelines", None)
            .await
            .refused(403, "not_connected");
        assert_eq!(env.counter("grant refresh_token").await, 1);
        // Installing again connects the account.
        env.installed().await;
        let a = env.call(Method::GET, "/api/v4/sources", None).await;
        assert_eq!(a.status, 204, "{}", a.text);
        env.stop().await;
    }
}

#[tokio::test]
async fn a_token_past_its_refresh_time_is_replaced_before_use() {
    let env = Env::start(Setup::default()).await;
    env.installed().await;
    env.expire_access_token().await;
    let a = env.call(Method::GET, "/api/v4/sources", None).await;
    assert_eq!(a.status, 204, "{}", a.text);
    assert_eq!(env.counter("grant refresh_token").await, 1);
    // The old access token was never sent after it was due: one call per route, no 401.
    assert_eq!(env.counter("GET /api/v4/sources").await, 1);
}
