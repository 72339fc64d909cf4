//! Install over real HTTP: the sandbox sends a code to the relay's callback as Kommo does;
//! the relay checks the referer before anything goes out, exchanges the code once and keeps
//! the account's tokens sealed.

mod common;

use common::{Env, Setup, ACCOUNT_ID};
use reqwest::Method;
use sandbox::model::ACCOUNT_NAME;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[tokio::test]
async fn an_install_connects_the_account_and_says_so() {
    for db in common::db::all().await {
        connects_and_says_so(db).await;
    }
}

async fn connects_and_says_so(db: common::db::TestDb) {
    let env = Env::start(Setup {
        db: Some(db),
        ..Setup::default()
    })
    .await;
    let (status, page) = env.install().await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Connected"), "{page}");
    assert!(page.contains(&ACCOUNT_ID.to_string()), "{page}");
    assert!(page.contains(ACCOUNT_NAME), "{page}");
    assert_eq!(env.counter("grant authorization_code").await, 1);
    assert_eq!(env.counter("GET /api/v4/account").await, 1);
    let inst = env.installation().await.expect("the account is stored");
    assert_eq!(inst.base_url, env.account());
    assert_eq!(inst.client_uuid, common::CLIENT_ID);
    assert!(inst.connected);
    // The stored access token works on the account.
    let answer = env
        .http
        .get(format!("{}/api/v4/account", env.account()))
        .bearer_auth(inst.pair.access.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn a_code_kommo_refuses_connects_nothing() {
    let env = Env::start(Setup::default()).await;
    // A used, expired or made-up code: Kommo refuses it and the relay says to install again.
    let code = "not-a-code-kommo-issued";
    let referer = env.account().trim_start_matches("http://").to_string();
    let url = format!(
        "{}/oauth/callback?code={code}&referer={referer}&from_widget=1",
        env.relay.url()
    );
    let a = env.http.get(&url).send().await.unwrap();
    assert_eq!(a.status(), 400);
    let v: serde_json::Value = a.json().await.unwrap();
    assert_eq!(v["reason"], "code_refused");
    assert_eq!(env.counter("grant authorization_code").await, 1);
    assert!(env.installation().await.is_none());
}

#[tokio::test]
async fn a_referer_that_is_no_account_host_makes_no_outbound_request() {
    // Without --allow-http-loopback the sandbox at 127.0.0.1 is no account host.
    let env = Env::start(Setup {
        allow_http_loopback: false,
        ..Setup::default()
    })
    .await;
    let (status, body) = env.install().await;
    assert_eq!(status, 400, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["reason"], "referer_not_allowed");
    assert_eq!(env.counter("grant authorization_code").await, 0);
    assert_eq!(env.counter("GET /api/v4/account").await, 0);
    assert!(env.installation().await.is_none());

    // Hosts that only look like an account are refused too, and nothing connects to them.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let loopback = Env::start(Setup::default()).await;
    for referer in [
        format!("127.0.0.1:{port}/path"),
        format!("https://127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}@evil.com"),
        "evil.com".to_string(),
        "acme.kommo.com.evil.com".to_string(),
        String::new(),
    ] {
        let a = loopback
            .http
            .get(format!("{}/oauth/callback", loopback.relay.url()))
            .query(&[
                ("code", "c"),
                ("referer", referer.as_str()),
                ("from_widget", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(a.status(), 400, "{referer}");
        let v: serde_json::Value = a.json().await.unwrap();
        assert_eq!(v["reason"], "referer_not_allowed", "{referer}");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_callback_without_a_code_or_with_a_refusal_stores_nothing() {
    let env = Env::start(Setup::default()).await;
    let referer = env.account().trim_start_matches("http://").to_string();
    for (query, reason) in [
        (format!("referer={referer}"), "code_missing"),
        (
            format!("referer={referer}&error=access_denied"),
            "install_declined",
        ),
    ] {
        let a = env
            .send(Method::GET, &format!("/oauth/callback?{query}"), &[], None)
            .await;
        a.refused(400, reason);
    }
    assert_eq!(env.counter("grant authorization_code").await, 0);
}
