//! Kommo's OAuth side over real HTTP: install sends a code to the Redirect URI, the token
//! endpoint exchanges and rotates (each refresh token once, unless left unused too long),
//! access tokens work on the API until revoked or expired.

mod common;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use common::{config, start, Sandbox, TOKEN};
use reqwest::Method;
use sandbox::oauth::grants::Client;
use sandbox::{Config, RefreshReuse};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECRET: &str = "integration-secret";

/// The queries the Redirect URI was called with.
type Seen = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// A Redirect URI on loopback that keeps the queries it was called with.
async fn redirect_target() -> (String, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route(
            "/oauth/callback",
            get(
                |State(seen): State<Seen>, Query(q): Query<HashMap<String, String>>| async move {
                    seen.lock().unwrap().push(q);
                    "connected"
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/oauth/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// A sandbox with demo data that is Kommo's OAuth side for one integration; the rest of its
/// configuration is `base`'s.
async fn oauth_sandbox(base: Config) -> (Sandbox, String, Seen) {
    let (redirect, seen) = redirect_target().await;
    let sb = start(Config {
        oauth: Some(Client {
            id: "client-uuid-1".into(),
            secret: SECRET.into(),
            redirect_uri: redirect.clone(),
        }),
        empty: false,
        ..base
    })
    .await;
    (sb, redirect, seen)
}

/// Installs the integration and exchanges the code for a first pair.
async fn installed(sb: &Sandbox, redirect: &str, seen: &Seen) -> Value {
    sb.control(Method::POST, "/__sandbox/install", None).await;
    let code = seen.lock().unwrap().last().unwrap()["code"].clone();
    json_of(
        &grant(
            sb,
            redirect,
            json!({"grant_type": "authorization_code", "code": code}),
        )
        .await,
        200,
    )
}

/// Trades `refresh` (a JSON string) for a new pair.
async fn refresh(sb: &Sandbox, redirect: &str, refresh: &Value) -> common::Answer {
    grant(
        sb,
        redirect,
        json!({"grant_type": "refresh_token", "refresh_token": refresh}),
    )
    .await
}

/// Asserts one of Kommo's OAuth problem bodies with this status and hint.
fn oauth_refusal(a: &common::Answer, status: u16, hint: &str) {
    let body = json_of(a, status);
    assert_eq!(a.content_type(), "application/problem+json");
    assert_eq!(
        body["type"],
        "https://developers.kommo.com/v3/errors/OAuthProblemJson"
    );
    assert_eq!(body["status"], status);
    assert_eq!(body["hint"], hint, "{body}");
}

async fn counters(sb: &Sandbox) -> Value {
    json_of(
        &sb.control(Method::GET, "/__sandbox/counters", None).await,
        200,
    )
}

async fn grant(sb: &Sandbox, redirect: &str, fields: Value) -> common::Answer {
    let mut body =
        json!({"client_id": "client-uuid-1", "client_secret": SECRET, "redirect_uri": redirect});
    body.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    sb.send(
        Method::POST,
        "/oauth2/access_token",
        None,
        Some(&body.to_string()),
    )
    .await
}

fn json_of(a: &common::Answer, status: u16) -> Value {
    assert_eq!(a.status.as_u16(), status, "body: {}", a.text);
    serde_json::from_str(&a.text).unwrap()
}

#[tokio::test]
async fn install_sends_a_code_that_is_exchanged_once_for_tokens_that_rotate() {
    let (sb, redirect, seen) = oauth_sandbox(config()).await;
    let installed = sb.control(Method::POST, "/__sandbox/install", None).await;
    let answer = json_of(&installed, 200);
    assert_eq!(answer, json!({"status": 200, "body": "connected"}));
    let query = seen.lock().unwrap()[0].clone();
    let host = sb.url("").trim_start_matches("http://").to_owned();
    assert_eq!(query["referer"], host, "the account's host");
    assert_eq!(query["from_widget"], "1");
    let code = query["code"].clone();

    let first = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "authorization_code", "code": code}),
        )
        .await,
        200,
    );
    assert_eq!(first["token_type"], "Bearer");
    assert_eq!(first["expires_in"], 86400);
    // Kommo's clock, in Unix seconds, to compute the expiry from.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let server_time = first["server_time"]
        .as_u64()
        .expect("server_time in seconds");
    assert!(now.abs_diff(server_time) <= 5, "{server_time} vs {now}");
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(access.split('.').count(), 3, "a JWT");
    // The access token sees its own integration's sources: its own copy of the demo data,
    // not the long-lived token's.
    let own = sb.list(access).await;
    assert_eq!(own.len(), 6);
    sb.create(access, json!([{"name": "mine", "external_id": "mine"}]))
        .await;
    assert_eq!(sb.list(access).await.len(), 7);
    assert_eq!(sb.list(TOKEN).await.len(), 6);

    let again = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "authorization_code", "code": code}),
        )
        .await,
        400,
    );
    assert_eq!(again["hint"], "Authorization code has expired or was used");
    assert_eq!(
        again["type"],
        "https://developers.kommo.com/v3/errors/OAuthProblemJson"
    );

    let second = json_of(&refresh(&sb, &redirect, &first["refresh_token"]).await, 200);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert!(second["server_time"].as_u64().unwrap() >= server_time);
    let newest = second["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", newest).await.status.as_u16(), 200);

    let counters = counters(&sb).await;
    assert_eq!(counters["grant authorization_code"], 2);
    assert_eq!(counters["grant refresh_token"], 1);
    assert_eq!(counters.get("grant refresh_token refused"), None);
}

#[tokio::test]
async fn a_refresh_token_works_once_and_its_reuse_is_refused_as_revoked() {
    let (sb, redirect, seen) = oauth_sandbox(config()).await;
    let first = installed(&sb, &redirect, &seen).await;
    let second = json_of(&refresh(&sb, &redirect, &first["refresh_token"]).await, 200);
    // Reused before the new access token was ever used: no grace, as Kommo.
    let reused = refresh(&sb, &redirect, &first["refresh_token"]).await;
    oauth_refusal(&reused, 401, "Token has been revoked");
    let unknown = refresh(&sb, &redirect, &json!("0123456789abcdef")).await;
    oauth_refusal(&unknown, 401, "Token has been revoked");
    // The refused reuse leaves the newest pair alone.
    let access = second["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", access).await.status.as_u16(), 200);
    json_of(
        &refresh(&sb, &redirect, &second["refresh_token"]).await,
        200,
    );

    let counters = counters(&sb).await;
    assert_eq!(counters["grant refresh_token"], 4);
    assert_eq!(counters["grant refresh_token refused"], 2);
}

#[tokio::test]
async fn a_refresh_token_left_unused_past_refresh_ttl_is_refused_as_expired() {
    let (sb, redirect, seen) = oauth_sandbox(Config {
        refresh_ttl: 1,
        ..config()
    })
    .await;
    let first = installed(&sb, &redirect, &seen).await;
    // Used within its lifetime, it rotates; the new one's lifetime starts now.
    let second = json_of(&refresh(&sb, &redirect, &first["refresh_token"]).await, 200);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let late = refresh(&sb, &redirect, &second["refresh_token"]).await;
    oauth_refusal(&late, 401, "Token has expired");
    // The access token it came with is a different clock (24 hours here).
    let access = second["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", access).await.status.as_u16(), 200);
    assert_eq!(counters(&sb).await["grant refresh_token refused"], 1);
}

#[tokio::test]
async fn grace_lets_the_replaced_refresh_token_rotate_until_the_new_access_token_is_used() {
    let (sb, redirect, seen) = oauth_sandbox(Config {
        refresh_reuse: RefreshReuse::Grace,
        ..config()
    })
    .await;
    let first = installed(&sb, &redirect, &seen).await;
    let old = &first["refresh_token"];
    let second = json_of(&refresh(&sb, &redirect, old).await, 200);
    assert_ne!(&second["refresh_token"], old);
    // Until the new access token is used, the old refresh token still rotates (an answer may
    // have been lost); after, it is refused.
    let third = json_of(&refresh(&sb, &redirect, old).await, 200);
    let newest = third["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", newest).await.status.as_u16(), 200);
    let stale = refresh(&sb, &redirect, old).await;
    oauth_refusal(&stale, 401, "Token has been revoked");
    json_of(&refresh(&sb, &redirect, &third["refresh_token"]).await, 200);

    let counters = counters(&sb).await;
    assert_eq!(counters["grant refresh_token"], 4);
    assert_eq!(counters["grant refresh_token refused"], 1);
}

#[tokio::test]
async fn the_client_must_match_and_uninstall_revokes_everything() {
    let (sb, redirect, seen) = oauth_sandbox(config()).await;
    sb.control(Method::POST, "/__sandbox/install", None).await;
    let code = seen.lock().unwrap()[0]["code"].clone();
    let mut wrong =
        json!({"grant_type": "authorization_code", "code": code, "client_secret": "guess"});
    let refused = json_of(&grant(&sb, &redirect, wrong.clone()).await, 401);
    assert_eq!(refused["hint"], "Client authentication failed");
    wrong["client_secret"] = json!(SECRET);
    wrong["redirect_uri"] = json!("https://elsewhere.example/cb");
    json_of(&grant(&sb, &redirect, wrong).await, 401);
    let unknown = grant(&sb, &redirect, json!({"grant_type": "password"})).await;
    json_of(&unknown, 400);

    // The refused attempts did not use the code up.
    let pair = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "authorization_code", "code": code}),
        )
        .await,
        200,
    );
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", access).await.status.as_u16(), 200);
    // A refresh with the wrong secret is a refusal of the client, not of the token: the token
    // is not spent and the refusal is not counted as a refused refresh.
    let wrong = json!({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"],
        "client_secret": "guess"});
    oauth_refusal(
        &grant(&sb, &redirect, wrong).await,
        401,
        "Client authentication failed",
    );
    assert_eq!(counters(&sb).await.get("grant refresh_token refused"), None);

    sb.control(Method::POST, "/__sandbox/uninstall", None).await;
    sb.get("/api/v4/account", access).await.problem(401);
    let refused = refresh(&sb, &redirect, &pair["refresh_token"]).await;
    oauth_refusal(&refused, 401, "Token has been revoked");
    assert_eq!(counters(&sb).await["grant refresh_token refused"], 1);
}

#[tokio::test]
async fn an_access_token_stops_working_when_it_expires() {
    let (sb, redirect, seen) = oauth_sandbox(Config {
        access_ttl: 1,
        ..config()
    })
    .await;
    sb.control(Method::POST, "/__sandbox/install", None).await;
    let code = seen.lock().unwrap()[0]["code"].clone();
    let pair = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "authorization_code", "code": code}),
        )
        .await,
        200,
    );
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", access).await.status.as_u16(), 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    sb.get("/api/v4/account", access).await.problem(401);
    // A refresh brings a working one.
    let fresh = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}),
        )
        .await,
        200,
    );
    let access = fresh["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", access).await.status.as_u16(), 200);
}

#[tokio::test]
async fn every_access_token_of_the_integration_shares_one_rate_window() {
    let (sb, redirect, seen) = oauth_sandbox(Config {
        rate_limit: 2,
        ..config()
    })
    .await;
    let first = installed(&sb, &redirect, &seen).await;
    let second = json_of(&refresh(&sb, &redirect, &first["refresh_token"]).await, 200);
    let (a, b) = (
        first["access_token"].as_str().unwrap(),
        second["access_token"].as_str().unwrap(),
    );
    assert_ne!(a, b);
    // Within one second: one request with each token fills the integration's window of 2,
    // so the next is over the limit whichever token it carries.
    assert_eq!(sb.get("/api/v4/account", a).await.status.as_u16(), 200);
    assert_eq!(sb.get("/api/v4/account", b).await.status.as_u16(), 200);
    sb.get("/api/v4/account", a).await.problem(429);
    sb.get("/api/v4/account", b).await.problem(429);
    // A long-lived token is another integration, with a window of its own.
    assert_eq!(sb.get("/api/v4/account", TOKEN).await.status.as_u16(), 200);
}

#[tokio::test]
async fn users_say_who_is_an_administrator() {
    let sb = start(config()).await;
    let admin = json_of(&sb.get("/api/v4/users/1", TOKEN).await, 200);
    assert_eq!(admin["rights"]["is_admin"], true);
    let other = json_of(&sb.get("/api/v4/users/2", TOKEN).await, 200);
    assert_eq!(other["rights"]["is_admin"], false);
    sb.get("/api/v4/users/3", TOKEN).await.problem(404);
    sb.get("/api/v4/users/x", TOKEN).await.problem(404);
    sb.send(Method::GET, "/api/v4/users/1", None, None)
        .await
        .problem(401);
    // Without an OAuth integration there is no token endpoint.
    sb.send(Method::POST, "/oauth2/access_token", None, Some("{}"))
        .await
        .problem(404);
}
