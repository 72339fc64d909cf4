//! Kommo's OAuth side over real HTTP: install sends a code to the Redirect URI, the token
//! endpoint exchanges and rotates, access tokens work on the API until revoked or expired.

mod common;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use common::{config, start, Sandbox, TOKEN};
use reqwest::Method;
use sandbox::oauth::grants::Client;
use sandbox::Config;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

async fn oauth_sandbox(
    access_ttl: u64,
) -> (Sandbox, String, Arc<Mutex<Vec<HashMap<String, String>>>>) {
    let (redirect, seen) = redirect_target().await;
    let sb = start(Config {
        oauth: Some(Client {
            id: "client-uuid-1".into(),
            secret: SECRET.into(),
            redirect_uri: redirect.clone(),
        }),
        access_ttl,
        empty: false,
        ..config()
    })
    .await;
    (sb, redirect, seen)
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
    let (sb, redirect, seen) = oauth_sandbox(86400).await;
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

    let refresh = first["refresh_token"].as_str().unwrap();
    let second = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "refresh_token", "refresh_token": refresh}),
        )
        .await,
        200,
    );
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    // Until the new access token is used, the old refresh token still rotates (an answer may
    // have been lost); after, it is refused.
    let third = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "refresh_token", "refresh_token": refresh}),
        )
        .await,
        200,
    );
    let newest = third["access_token"].as_str().unwrap();
    assert_eq!(sb.get("/api/v4/account", newest).await.status.as_u16(), 200);
    let stale = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "refresh_token", "refresh_token": refresh}),
        )
        .await,
        400,
    );
    assert_eq!(stale["hint"], "Token has been revoked");

    let counters = json_of(
        &sb.control(Method::GET, "/__sandbox/counters", None).await,
        200,
    );
    assert_eq!(counters["grant authorization_code"], 2);
    assert_eq!(counters["grant refresh_token"], 3);
}

#[tokio::test]
async fn the_client_must_match_and_uninstall_revokes_everything() {
    let (sb, redirect, seen) = oauth_sandbox(86400).await;
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
    sb.control(Method::POST, "/__sandbox/uninstall", None).await;
    sb.get("/api/v4/account", access).await.problem(401);
    let refused = json_of(
        &grant(
            &sb,
            &redirect,
            json!({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}),
        )
        .await,
        400,
    );
    assert_eq!(refused["hint"], "Token has been revoked");
}

#[tokio::test]
async fn an_access_token_stops_working_when_it_expires() {
    let (sb, redirect, seen) = oauth_sandbox(1).await;
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
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
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
